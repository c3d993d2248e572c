package io.streamaligner.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An evaluation dataset read from JSONL, one {@code {"question": …, "answer": …}} object per line
 * ({@code answer} optional: a string or a number). A line that cannot be used is skipped and reported with its
 * line number, never fatal, so one bad row does not cost a long run; blank lines are ignored.
 *
 * @param items   the usable questions, in file order
 * @param skipped the lines that were not, with why
 */
public record EvalDataset(List<EvalItem> items, List<SkippedLine> skipped) {

    /** A line of the file that holds no usable question. */
    public record SkippedLine(int lineNumber, String reason) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public EvalDataset {
        items = List.copyOf(Objects.requireNonNull(items, "items"));
        skipped = List.copyOf(Objects.requireNonNull(skipped, "skipped"));
    }

    /**
     * Reads a dataset file.
     *
     * @throws UncheckedIOException when the file cannot be read (the user's to fix: a wrong path)
     */
    public static EvalDataset read(Path file) {
        Objects.requireNonNull(file, "file");
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dataset " + file, e);
        }
    }

    /** Reads dataset lines from {@code reader} (not closed). */
    public static EvalDataset read(Reader reader) throws IOException {
        BufferedReader lines = reader instanceof BufferedReader buffered ? buffered : new BufferedReader(reader);
        List<EvalItem> items = new ArrayList<>();
        List<SkippedLine> skipped = new ArrayList<>();
        String line;
        for (int lineNumber = 1; (line = lines.readLine()) != null; lineNumber++) {
            if (line.isBlank()) {
                continue;
            }
            try {
                items.add(parseLine(lineNumber, line));
            } catch (BadLineException e) {
                skipped.add(new SkippedLine(lineNumber, e.getMessage()));
            }
        }
        return new EvalDataset(items, skipped);
    }

    /** The first {@code limit} items (all when fewer), with the same skipped lines. */
    public EvalDataset limit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
        return limit >= items.size() ? this : new EvalDataset(items.subList(0, limit), skipped);
    }

    private static EvalItem parseLine(int lineNumber, String line) throws BadLineException {
        JsonNode row;
        try {
            row = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BadLineException("not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (row == null || !row.isObject()) {
            throw new BadLineException("not a JSON object");
        }
        JsonNode question = row.get("question");
        if (question == null || !question.isTextual() || question.asText().isBlank()) {
            throw new BadLineException("\"question\" must be a non-blank string");
        }
        JsonNode answer = row.get("answer");
        Optional<String> expected;
        if (answer == null || answer.isNull()) {
            expected = Optional.empty();
        } else if (answer.isTextual() || answer.isNumber()) {
            expected = Optional.of(answer.asText()).filter(text -> !text.isBlank());
        } else {
            throw new BadLineException("\"answer\" must be a string or a number");
        }
        return new EvalItem(lineNumber, question.asText(), expected);
    }

    private static final class BadLineException extends Exception {
        BadLineException(String message) {
            super(message, null, false, false);
        }
    }
}
