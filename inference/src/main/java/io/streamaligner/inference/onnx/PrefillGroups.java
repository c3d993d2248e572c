package io.streamaligner.inference.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Splits prompts that arrive together into prefill passes of similar lengths.
 *
 * <p>A prefill pass costs about (rows × longest prompt) token-positions, padding included, plus a fixed
 * per-run overhead; one pass over prompts of 8 and 80 tokens would spend most of its work on padding. Prompts
 * are sorted by length and each joins the current pass only if that costs no more than a pass of its own.
 */
final class PrefillGroups {

    /** The fixed cost of one more run, in token-positions (about one ONNX Runtime call on a small model). */
    static final int RUN_OVERHEAD_TOKENS = 16;

    private PrefillGroups() {
    }

    /** @return indices into {@code lengths}, one array per pass, each sorted by length */
    static List<int[]> split(int[] lengths) {
        Integer[] order = IntStream.range(0, lengths.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt(i -> lengths[i]));
        List<int[]> groups = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        long currentCost = 0;
        for (int index : order) {
            int length = lengths[index];
            long joined = RUN_OVERHEAD_TOKENS + (long) (current.size() + 1) * length;
            long apart = currentCost + RUN_OVERHEAD_TOKENS + length;
            if (!current.isEmpty() && joined > apart) {
                groups.add(current.stream().mapToInt(Integer::intValue).toArray());
                current = new ArrayList<>();
                joined = RUN_OVERHEAD_TOKENS + length;
            }
            current.add(index);
            currentCost = joined;
        }
        if (!current.isEmpty()) {
            groups.add(current.stream().mapToInt(Integer::intValue).toArray());
        }
        return groups;
    }
}
