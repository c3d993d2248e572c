package io.streamaligner.inference.sampling;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CategoricalSamplerTest {

    /** Token i has logit -i/4: a smooth distribution where every token is possible. */
    private static float[] descendingLogits(int vocab) {
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            logits[i] = -i / 4f;
        }
        return logits;
    }

    /** The same logits with the order shuffled, so the most likely tokens are not simply the lowest ids. */
    private static float[] shuffled(float[] logits, int[] permutation) {
        float[] out = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[permutation[i]] = logits[i];
        }
        return out;
    }

    private static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    @Test
    void shouldRepeatTheSameTokensWithTheSameSeed() {
        float[] logits = descendingLogits(100);

        int[] first = draws(new CategoricalSampler(0.9, 0, 1, 100, new SplittableRandom(42)), logits, 200);
        int[] second = draws(new CategoricalSampler(0.9, 0, 1, 100, new SplittableRandom(42)), logits, 200);
        int[] otherSeed = draws(new CategoricalSampler(0.9, 0, 1, 100, new SplittableRandom(43)), logits, 200);

        assertThat(second).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
    }

    @Test
    void shouldNeverPickOutsideTheTopK() {
        int vocab = 300;
        int[] order = permutation(vocab, 7);
        float[] logits = shuffled(descendingLogits(vocab), order);
        Set<Integer> topK = new HashSet<>();
        for (int rank = 0; rank < 5; rank++) {
            topK.add(order[rank]);
        }
        CategoricalSampler sampler = new CategoricalSampler(5.0, 5, 1, vocab, new SplittableRandom(1));

        Set<Integer> picked = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            picked.add(sampler.sample(logits.clone()));
        }

        assertThat(topK).containsAll(picked);
        assertThat(picked).as("a high temperature reaches every member of the set").isEqualTo(topK);
    }

    @Test
    void shouldNeverPickOutsideTheNucleus() {
        // probabilities 0.5, 0.25, 0.125, ... : top-p 0.8 keeps exactly the first three (0.875 >= 0.8)
        int vocab = 20;
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            logits[i] = (float) (-i * Math.log(2));
        }
        int[] order = permutation(vocab, 3);
        float[] mixed = shuffled(logits, order);
        Set<Integer> nucleus = Set.of(order[0], order[1], order[2]);
        CategoricalSampler sampler = new CategoricalSampler(1.0, 0, 0.8, vocab, new SplittableRandom(5));

        Set<Integer> picked = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            picked.add(sampler.sample(mixed.clone()));
        }

        assertThat(picked).isEqualTo(nucleus);
    }

    @Test
    void shouldApplyTopKBeforeTopP() {
        int vocab = 50;
        float[] logits = new float[vocab]; // uniform: top-p alone would keep nearly all
        CategoricalSampler sampler = new CategoricalSampler(1.0, 10, 0.5, vocab, new SplittableRandom(9));

        Set<Integer> picked = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            picked.add(sampler.sample(logits.clone()));
        }

        assertThat(picked).hasSize(5);
    }

    @Test
    void shouldFollowTheDistribution() {
        float[] logits = {(float) Math.log(3), 0f}; // 75 % / 25 %
        CategoricalSampler sampler = new CategoricalSampler(1.0, 0, 1, 2, new SplittableRandom(11));

        int zeros = 0;
        for (int i = 0; i < 10_000; i++) {
            zeros += sampler.sample(logits.clone()) == 0 ? 1 : 0;
        }

        assertThat(zeros / 10_000.0).isBetween(0.72, 0.78);
    }

    @Test
    void shouldSharpenWithALowTemperature() {
        float[] logits = {1f, 0.9f, 0.8f};
        CategoricalSampler sampler = new CategoricalSampler(0.001, 0, 1, 3, new SplittableRandom(2));

        for (int i = 0; i < 100; i++) {
            assertThat(sampler.sample(logits.clone())).isZero();
        }
    }

    @Test
    void shouldRejectBadSettings() {
        assertThatThrownBy(() -> new CategoricalSampler(0, 0, 1, 10, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CategoricalSampler(1, 0, 0, 10, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CategoricalSampler(1, -1, 1, 10, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static int[] draws(CategoricalSampler sampler, float[] logits, int count) {
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = sampler.sample(logits.clone());
        }
        return out;
    }
}
