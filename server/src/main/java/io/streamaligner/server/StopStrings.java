package io.streamaligner.server;

import io.streamaligner.inference.StopCondition;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A request's {@code stop} strings as the engine's stop rule: the text is cut at the earliest occurrence, the stop
 * string left out, and the string that matched is remembered for {@code stop_reason}. One instance per request,
 * called on the engine thread.
 *
 * <p>A delta may end with the start of a stop string that the next one completes: {@link #holdBack} names that
 * tail, which the engine keeps from the listener until it knows, so what is streamed is always a prefix of the
 * final, cut text.
 */
final class StopStrings implements StopCondition {

    private final List<String> stops;
    private final int longest;
    /** Text before this index has been searched already (stopAt sees the text grow by deltas). */
    private int searched;
    private volatile String matched;

    StopStrings(List<String> stops) {
        this.stops = List.copyOf(Objects.requireNonNull(stops, "stops"));
        for (String stop : this.stops) {
            if (stop.isEmpty()) {
                throw new IllegalArgumentException("stop strings must not be empty");
            }
        }
        this.longest = this.stops.stream().mapToInt(String::length).max().orElse(0);
    }

    static StopStrings none() {
        return new StopStrings(List.of());
    }

    List<String> strings() {
        return stops;
    }

    @Override
    public int stopAt(String generatedText) {
        if (stops.isEmpty()) {
            return NO_STOP;
        }
        // an occurrence that ends in the new text may start up to longest - 1 characters before it
        int from = Math.max(0, Math.min(searched, generatedText.length()) - longest + 1);
        int earliest = NO_STOP;
        String which = null;
        for (String stop : stops) {
            int at = generatedText.indexOf(stop, from);
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
                which = stop;
            }
        }
        searched = generatedText.length();
        if (which != null) {
            matched = which;
        }
        return earliest;
    }

    @Override
    public int holdBack(CharSequence generatedText) {
        return generatedText.length() - safeLength(generatedText);
    }

    /**
     * How much of {@code text} can be sent now: all of it but a tail that is a proper prefix of a stop string (and
     * so may become one with the next delta).
     */
    int safeLength(CharSequence text) {
        int length = text.length();
        for (int start = Math.max(0, length - longest + 1); start < length; start++) {
            int tail = length - start;
            for (String stop : stops) {
                if (stop.length() > tail && startsWith(stop, text, start, tail)) {
                    return start;
                }
            }
        }
        return length;
    }

    /** The stop string that cut the text, once one has. */
    Optional<String> matched() {
        return Optional.ofNullable(matched);
    }

    private static boolean startsWith(String stop, CharSequence text, int start, int count) {
        for (int i = 0; i < count; i++) {
            if (stop.charAt(i) != text.charAt(start + i)) {
                return false;
            }
        }
        return true;
    }
}
