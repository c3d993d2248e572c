package io.streamaligner.ops.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/** The few statistics the benchmark programs print: nearest-rank percentiles, and answers compared one by one. */
final class BenchStats {

    private BenchStats() {
    }

    /** The nearest-rank {@code percent} percentile of {@code values} (left as they are); NaN when there are none. */
    static double percentile(Collection<Double> values, double percent) {
        List<Double> sorted = new ArrayList<>(values);
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(sorted);
        int rank = (int) Math.ceil(percent / 100 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    static double median(Collection<Double> values) {
        return percentile(values, 50);
    }

    /** How many answers are equal at the same position in both lists. */
    static long countEqual(List<String> a, List<String> b) {
        long equal = 0;
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            equal += a.get(i).equals(b.get(i)) ? 1 : 0;
        }
        return equal;
    }
}
