package io.streamaligner.topology.cli;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads back what {@code ask} and {@code demo} print, for tests that check its consistency. */
final class CommandOutput {

    /** {@code [q2] round 3 * … → …} (demo) or {@code round 3   … → …} (ask): label, round. */
    private static final Pattern ROUND_LINE = Pattern.compile("^(\\[q\\d+\\] )?round (\\d+) [ *] .*  →  .*$");

    private CommandOutput() {
    }

    /** The rounds printed for a label ({@code "[q1] "}, or {@code ""} for ask), in order. */
    static List<Integer> roundsOf(String output, String label) {
        return output.lines().map(ROUND_LINE::matcher).filter(Matcher::matches)
                .filter(m -> label.equals(m.group(1) == null ? "" : m.group(1)))
                .map(m -> Integer.parseInt(m.group(2))).toList();
    }

    /** The first group of the first line matching {@code pattern}, or fails naming the output. */
    static String find(String output, String pattern) {
        Matcher matcher = Pattern.compile(pattern, Pattern.MULTILINE).matcher(output);
        if (!matcher.find()) {
            throw new AssertionError("no line matching " + pattern + " in:\n" + output);
        }
        return matcher.group(1);
    }
}
