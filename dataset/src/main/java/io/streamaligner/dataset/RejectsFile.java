package io.streamaligner.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The questions a run skipped for good ({@link RejectedQuestion}), beside the dataset: {@code FILE.rejects.jsonl} for
 * {@code --out FILE.jsonl}. A second run skips them too (delete a line to try its question again). The file is created
 * with the first reject; a last line cut short by an interrupted write is removed on opening, and its question done
 * again. Not thread-safe: one writer.
 */
public final class RejectsFile implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSONL = ".jsonl";

    private final JsonLinesFile file;
    private final Set<String> questions;
    private final Optional<String> repair;

    private RejectsFile(JsonLinesFile file, Set<String> questions, Optional<String> repair) {
        this.file = file;
        this.questions = questions;
        this.repair = repair;
    }

    /** {@code d.rejects.jsonl} beside {@code d.jsonl}; {@code d.txt.rejects.jsonl} beside {@code d.txt}. */
    public static Path besides(Path dataset) {
        String name = dataset.getFileName().toString();
        String stem = name.endsWith(JSONL) && name.length() > JSONL.length()
                ? name.substring(0, name.length() - JSONL.length()) : name;
        return dataset.resolveSibling(stem + ".rejects" + JSONL);
    }

    /**
     * Reads the rejects of earlier runs, if the file exists.
     *
     * @throws DatasetFileException if it cannot be read or repaired, or a line that is not the last names no question
     */
    public static RejectsFile open(Path path) {
        JsonLinesFile file;
        try {
            file = JsonLinesFile.open(path, false);
        } catch (UncheckedIOException e) {
            throw new DatasetFileException(e.getMessage(), e);
        }
        Set<String> questions = new LinkedHashSet<>();
        for (JsonLinesFile.Line line : file.lines()) {
            if (!line.text().isBlank()) {
                questions.add(question(path, line));
            }
        }
        Optional<String> repair = Optional.empty();
        if (file.cutLine().isPresent()) {
            try {
                file.requireCutLineFromAnInterruptedWrite();
                file.truncateFrom(file.lines().size());
            } catch (UncheckedIOException | IllegalStateException e) {
                file.close();
                throw new DatasetFileException(e.getMessage(), e);
            }
            repair = Optional.of(path + " ended in a line cut short (an interrupted write): removed it");
        }
        return new RejectsFile(file, Set.copyOf(questions), repair);
    }

    private static String question(Path path, JsonLinesFile.Line line) {
        try {
            JsonNode row = JSON.readTree(line.text());
            if (row != null && row.path("question").isTextual()) {
                return row.get("question").textValue();
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        throw new DatasetFileException(path + " line " + line.number() + " is not a reject (a JSON object with a"
                + " \"question\"); fix or remove it", null);
    }

    public Path path() {
        return file.path();
    }

    /** The questions rejected by earlier runs. */
    public Set<String> questions() {
        return questions;
    }

    /** What opening the file removed, in a sentence for the user, if it removed anything. */
    public Optional<String> repair() {
        return repair;
    }

    /**
     * Appends one reject, forced to the disk.
     *
     * @throws DatasetFileException if it cannot be written
     */
    public void append(RejectedQuestion rejected) {
        Objects.requireNonNull(rejected, "rejected");
        try {
            file.append(List.of(rejected.toJson()));
        } catch (UncheckedIOException | IllegalStateException e) {
            throw new DatasetFileException(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        file.close();
    }
}
