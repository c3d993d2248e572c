package io.streamaligner.inference.sampling;

import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Samples from the softmax of the logits at a temperature, cut to the top-k tokens and then to the nucleus
 * (the smallest set of most likely tokens whose probability reaches top-p), renormalized.
 *
 * <p>Buffers are allocated once for the vocabulary; one instance per sequence, not thread-safe.
 */
public final class CategoricalSampler implements Sampler {

    private final double temperature;
    private final int topK;
    private final double topP;
    private final RandomGenerator random;
    /** (vocab) token ids of the candidates still in play. */
    private final int[] candidates;
    /** (vocab) probability of {@code candidates[i]}. */
    private final double[] probabilities;
    /** (vocab) packed (sortable score, token id) keys, for the top-k heap and the top-p sort. */
    private final long[] keys;

    /**
     * @param temperature > 0
     * @param topK        tokens kept by likelihood; 0 keeps all
     * @param topP        in (0, 1]; 1 keeps all
     * @param vocabSize   logits row length
     * @param random      this sequence's own random stream
     */
    public CategoricalSampler(double temperature, int topK, double topP, int vocabSize, RandomGenerator random) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (vocabSize <= 0) {
            throw new IllegalArgumentException("vocabSize must be positive, got " + vocabSize);
        }
        this.temperature = temperature;
        this.topK = topK;
        this.topP = topP;
        this.random = Objects.requireNonNull(random, "random");
        this.candidates = new int[vocabSize];
        this.probabilities = new double[vocabSize];
        this.keys = new long[vocabSize];
    }

    @Override
    public int sample(float[] logits) {
        int count = topK > 0 && topK < logits.length ? selectTopK(logits) : selectAll(logits.length);
        double mass = softmax(logits, count);
        if (topP < 1) {
            count = keepNucleus(count, mass);
            mass = 0;
            for (int i = 0; i < count; i++) {
                mass += probabilities[i];
            }
        }
        double draw = random.nextDouble() * mass;
        double cumulative = 0;
        for (int i = 0; i < count; i++) {
            cumulative += probabilities[i];
            if (draw < cumulative) {
                return candidates[i];
            }
        }
        return candidates[count - 1]; // rounding left the draw just past the total
    }

    private int selectAll(int vocabSize) {
        for (int i = 0; i < vocabSize; i++) {
            candidates[i] = i;
        }
        return vocabSize;
    }

    /** The k highest logits through a min-heap of packed keys: O(vocab log k), no boxing. */
    private int selectTopK(float[] logits) {
        int size = 0;
        for (int token = 0; token < logits.length; token++) {
            long key = pack(sortableBits(logits[token]), token);
            if (size < topK) {
                keys[size] = key;
                siftUp(size++);
            } else if (key > keys[0]) {
                keys[0] = key;
                siftDown(size);
            }
        }
        for (int i = 0; i < size; i++) {
            candidates[i] = (int) keys[i];
        }
        return size;
    }

    /** Fills probabilities[0, count) with exp((logit - max) / T); returns their sum (not normalized). */
    private double softmax(float[] logits, int count) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            max = Math.max(max, logits[candidates[i]]);
        }
        double sum = 0;
        for (int i = 0; i < count; i++) {
            double p = Math.exp((logits[candidates[i]] - max) / temperature);
            probabilities[i] = p;
            sum += p;
        }
        return sum;
    }

    /** Keeps the most likely candidates until their share reaches top-p; returns how many, sorted by probability. */
    private int keepNucleus(int count, double mass) {
        // a token below (1 - p) / (count - 1) of the mass can never be inside the nucleus: drop those before sorting
        double floor = count > 1 ? (1 - topP) / (count - 1) * mass : 0;
        int kept = 0;
        for (int i = 0; i < count; i++) {
            if (probabilities[i] >= floor) {
                keys[kept++] = pack(Float.floatToRawIntBits((float) (probabilities[i] / mass)), candidates[i]);
            }
        }
        Arrays.sort(keys, 0, kept);
        double target = topP * mass;
        double cumulative = 0;
        int nucleus = 0;
        for (int i = kept - 1; i >= 0 && cumulative < target; i--) {
            int token = (int) keys[i];
            double p = Float.intBitsToFloat((int) (keys[i] >>> 32)) * mass;
            candidates[nucleus] = token;
            probabilities[nucleus] = p;
            cumulative += p;
            nucleus++;
        }
        return nucleus;
    }

    private void siftUp(int index) {
        while (index > 0) {
            int parent = (index - 1) / 2;
            if (keys[parent] <= keys[index]) {
                return;
            }
            swap(parent, index);
            index = parent;
        }
    }

    private void siftDown(int size) {
        int index = 0;
        while (true) {
            int smallest = index;
            int left = 2 * index + 1;
            int right = left + 1;
            if (left < size && keys[left] < keys[smallest]) {
                smallest = left;
            }
            if (right < size && keys[right] < keys[smallest]) {
                smallest = right;
            }
            if (smallest == index) {
                return;
            }
            swap(smallest, index);
            index = smallest;
        }
    }

    private void swap(int a, int b) {
        long tmp = keys[a];
        keys[a] = keys[b];
        keys[b] = tmp;
    }

    /** Orders a score above the token id, so sorting keys sorts by score. */
    private static long pack(int sortableScore, int token) {
        return ((long) sortableScore << 32) | token;
    }

    /** Float bits mapped so that signed int order equals float order (negatives flipped). */
    private static int sortableBits(float value) {
        int bits = Float.floatToRawIntBits(value);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }
}
