package io.streamaligner.eval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The per-arm results as a table, for the terminal (aligned columns) and for {@code report.md} (Markdown):
 * accuracy, share of sentences changed, rounds per answer, time to first (aligned) sentence, round latency,
 * total time per answer, throughput and errors. A figure that does not apply to an arm is a dash.
 */
public final class ResultTable {

    static final List<String> HEADER = List.of("arm", "accuracy", "changed", "rounds/answer", "TTFS p50 ms",
            "round p50 ms", "round p99 ms", "total p50 ms", "answers/s", "errors");

    private final List<List<String>> rows;

    private ResultTable(List<List<String>> rows) {
        this.rows = rows;
    }

    public static ResultTable of(Collection<ArmMetrics> arms) {
        List<List<String>> rows = new ArrayList<>();
        for (ArmMetrics arm : arms) {
            rows.add(List.of(
                    arm.arm().label(),
                    accuracy(arm),
                    fraction(arm.changedShare()),
                    number(arm.roundsPerAnswer(), 2),
                    number(arm.firstSentence().p50Ms(), 1),
                    number(arm.round().p50Ms(), 1),
                    number(arm.round().p99Ms(), 1),
                    number(arm.total().p50Ms(), 1),
                    number(arm.answersPerSecond(), 2),
                    Integer.toString(arm.errors())));
        }
        return new ResultTable(rows);
    }

    /** Columns padded to line up in a monospaced terminal; numbers right-aligned. */
    public String toText() {
        int[] widths = new int[HEADER.size()];
        for (List<String> row : allRows()) {
            for (int c = 0; c < row.size(); c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (List<String> row : allRows()) {
            for (int c = 0; c < row.size(); c++) {
                String cell = row.get(c);
                String padded = c == 0 ? cell + " ".repeat(widths[c] - cell.length())
                        : " ".repeat(widths[c] - cell.length()) + cell;
                text.append(c == 0 ? "" : "  ").append(padded);
            }
            text.append('\n');
        }
        return text.toString();
    }

    public String toMarkdown() {
        StringBuilder text = new StringBuilder();
        text.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
        text.append("| --- |").append(" ---: |".repeat(HEADER.size() - 1)).append('\n');
        for (List<String> row : rows) {
            text.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return text.toString();
    }

    private List<List<String>> allRows() {
        List<List<String>> all = new ArrayList<>();
        all.add(HEADER);
        all.addAll(rows);
        return all;
    }

    private static String accuracy(ArmMetrics arm) {
        return arm.accuracy().isPresent()
                ? String.format(Locale.ROOT, "%.3f (%d/%d)", arm.accuracy().getAsDouble(), arm.correct(), arm.graded())
                : "-";
    }

    private static String fraction(OptionalDouble value) {
        return value.isPresent() ? String.format(Locale.ROOT, "%.3f", value.getAsDouble()) : "-";
    }

    private static String number(double value, int decimals) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
