package io.streamaligner.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Objects;

/**
 * One corrected sentence as training data for an aligner, in the JSONL format of {@code training/}
 * ({@code training/to_prompt_completion.py} reads it): {@code {"question", "prefix", "last", "correction", "eos"}}.
 *
 * @param question   the user's question
 * @param prefix     the answer already corrected before this sentence (empty for the first)
 * @param last       the upstream's sentence the teacher corrected
 * @param correction the teacher's correction of it
 * @param eos        whether the teacher said the answer is complete with the correction
 */
public record DatasetRecord(String question, String prefix, String last, String correction, boolean eos) {

    static final List<String> FIELDS = List.of("question", "prefix", "last", "correction", "eos");
    private static final ObjectMapper JSON = new ObjectMapper();

    public DatasetRecord {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(last, "last");
        Objects.requireNonNull(correction, "correction");
    }

    /** The record as one JSON line, without the line break; its fields in the format's order, the question first. */
    public String toJson() {
        ObjectNode line = JSON.createObjectNode()
                .put("question", question)
                .put("prefix", prefix)
                .put("last", last)
                .put("correction", correction)
                .put("eos", eos);
        return line.toString();
    }

    /**
     * Reads one line of a dataset file.
     *
     * @throws IllegalArgumentException saying why the line is not a record
     */
    public static DatasetRecord fromJson(String line) {
        JsonNode row;
        try {
            row = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (row == null || !row.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        for (String field : FIELDS.subList(0, 4)) {
            if (!row.path(field).isTextual()) {
                throw new IllegalArgumentException("\"" + field + "\" must be a string");
            }
        }
        if (!row.path("eos").isBoolean()) {
            throw new IllegalArgumentException("\"eos\" must be true or false");
        }
        return new DatasetRecord(row.get("question").textValue(), row.get("prefix").textValue(),
                row.get("last").textValue(), row.get("correction").textValue(), row.get("eos").booleanValue());
    }
}
