package io.streamaligner.eval;

import java.util.Collection;
import java.util.Objects;

/**
 * A latency distribution in milliseconds: count, median, 99th percentile and mean. Percentiles are nearest-rank
 * (the smallest sample with at least p of the samples at or below it), so each is a latency that was measured.
 * With no samples every figure is NaN.
 */
public record LatencySummary(int count, double p50Ms, double p99Ms, double meanMs) {

    public static final LatencySummary EMPTY = new LatencySummary(0, Double.NaN, Double.NaN, Double.NaN);

    /** The summary of durations given in nanoseconds. */
    public static LatencySummary ofNanos(Collection<Long> nanos) {
        Objects.requireNonNull(nanos, "nanos");
        if (nanos.isEmpty()) {
            return EMPTY;
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        double sum = 0;
        for (long value : sorted) {
            sum += value;
        }
        return new LatencySummary(sorted.length, toMs(percentile(sorted, 0.50)), toMs(percentile(sorted, 0.99)),
                sum / sorted.length / 1e6);
    }

    /** Nearest-rank percentile of sorted samples. */
    static long percentile(long[] sorted, double fraction) {
        int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static double toMs(long nanos) {
        return nanos / 1e6;
    }
}
