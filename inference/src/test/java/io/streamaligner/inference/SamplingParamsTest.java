package io.streamaligner.inference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SamplingParamsTest {

    @Test
    void shouldBeGreedyAtTemperatureZero() {
        assertThat(SamplingParams.GREEDY.greedy()).isTrue();
        assertThat(new SamplingParams(0.7, 40, 0.95, 1.2, 1, 1).greedy()).isFalse();
    }

    @Test
    void shouldChangeOnlyTheSeed() {
        SamplingParams paper = new SamplingParams(0.7, 40, 0.95, 1.2, 1, 1);

        assertThat(paper.withSeed(9)).isEqualTo(new SamplingParams(0.7, 40, 0.95, 1.2, 1, 9));
    }

    @Test
    void shouldRejectOutOfRangeKnobs() {
        assertThatThrownBy(() -> new SamplingParams(-1, 0, 1, 0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SamplingParams(1, 0, 1.5, 0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SamplingParams(1, 0, 1, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
