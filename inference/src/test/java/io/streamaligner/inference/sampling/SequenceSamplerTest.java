package io.streamaligner.inference.sampling;

import io.streamaligner.inference.SamplingParams;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SequenceSamplerTest {

    private static final float[] LOGITS = {0.5f, 2f, 1.9f, -1f, 0f, 1.5f};

    @Test
    void shouldTakeTheArgmaxWhenGreedy() {
        SequenceSampler sampler = SequenceSampler.create(SamplingParams.GREEDY, LOGITS.length, new int[0]);

        assertThat(sampler.next(LOGITS.clone())).isEqualTo(1);
    }

    @Test
    void shouldPenalizeBeforeTakingTheArgmax() {
        SamplingParams params = new SamplingParams(0, 0, 1, 0, 2.0, 0);
        SequenceSampler sampler = SequenceSampler.create(params, LOGITS.length, new int[]{1});

        assertThat(sampler.next(LOGITS.clone())).isEqualTo(2);
    }

    @Test
    void shouldRepeatASeededRequest() {
        SamplingParams params = new SamplingParams(1.0, 4, 0.95, 0.3, 1.1, 1234);

        assertThat(run(params)).isEqualTo(run(params));
        assertThat(run(params.withSeed(99))).isNotEqualTo(run(params));
    }

    private static int[] run(SamplingParams params) {
        SequenceSampler sampler = SequenceSampler.create(params, LOGITS.length, new int[]{0});
        int[] tokens = new int[64];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = sampler.next(LOGITS.clone());
        }
        return tokens;
    }
}
