package io.streamaligner.inference.sampling;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SamplerTest {

    @Test
    void shouldPickTheMostLikelyToken() {
        assertThat(Sampler.ARGMAX.sample(new float[]{0.1f, -2f, 3.5f, 3.4f})).isEqualTo(2);
    }

    @Test
    void shouldPickTheLowestIdAmongEqualMaxima() {
        assertThat(Sampler.ARGMAX.sample(new float[]{1f, 7f, 7f, 7f})).isEqualTo(1);
    }

    @Test
    void shouldHandleAllNegativeLogits() {
        assertThat(Sampler.ARGMAX.sample(new float[]{-5f, -1f, -3f})).isEqualTo(1);
    }
}
