package io.streamaligner.eval.toymath;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes an evaluation dataset of the toy arithmetic domain: {@code {"question": "What is 23 + 48 - 15?",
 * "answer": 56}} per line, drawn by {@link ToyMathQuestion#sample(long, int)} from a fixed seed, so the file is
 * reproducible. {@code ops/eval/toy-math-200.jsonl} is made by:
 * <pre>
 * java -cp topology/target/stream-aligner.jar io.streamaligner.eval.toymath.ToyMathDataset \
 *     ops/eval/toy-math-200.jsonl 200 20250
 * </pre>
 */
public final class ToyMathDataset {

    /** The seed of {@code ops/eval/toy-math-200.jsonl}. */
    public static final long DEFAULT_SEED = 20250;
    public static final int DEFAULT_COUNT = 200;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ToyMathDataset() {
    }

    /** Arguments: {@code FILE [COUNT [SEED]]}, defaults {@value #DEFAULT_COUNT} and {@value #DEFAULT_SEED}. */
    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: ToyMathDataset FILE [COUNT [SEED]]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        int count = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_COUNT;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : DEFAULT_SEED;
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        Files.write(file, lines(seed, count), StandardCharsets.UTF_8);
        System.out.println("wrote " + count + " questions (seed " + seed + ") to " + file);
    }

    /** The dataset's lines: {@code count} questions from {@code seed}, each with its result. */
    public static List<String> lines(long seed, int count) {
        return ToyMathQuestion.sample(seed, count).stream().map(question -> {
            ObjectNode row = JSON.createObjectNode();
            row.put("question", question.text());
            row.put("answer", question.result());
            return row.toString();
        }).toList();
    }
}
