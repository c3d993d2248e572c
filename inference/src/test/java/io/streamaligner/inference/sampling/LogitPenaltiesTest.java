package io.streamaligner.inference.sampling;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LogitPenaltiesTest {

    @Test
    void shouldDividePositiveAndMultiplyNegativeLogitsOfPromptAndGeneratedTokens() {
        LogitPenalties penalties = new LogitPenalties(2.0, 0, 5, new int[]{0, 1});
        penalties.accept(3);
        float[] logits = {4f, -4f, 4f, 4f, -4f};

        penalties.apply(logits);

        assertThat(logits).containsExactly(2f, -8f, 4f, 2f, -4f);
    }

    @Test
    void shouldSubtractTheFrequencyPenaltyPerGeneration() {
        LogitPenalties penalties = new LogitPenalties(1.0, 0.5, 4, new int[]{2});
        penalties.accept(1);
        penalties.accept(1);
        penalties.accept(3);
        float[] logits = {1f, 1f, 1f, 1f};

        penalties.apply(logits);

        assertThat(logits[0]).isEqualTo(1f);
        assertThat(logits[1]).isCloseTo(0f, within(1e-6f));
        assertThat(logits[2]).as("prompt tokens carry no frequency penalty").isEqualTo(1f);
        assertThat(logits[3]).isCloseTo(0.5f, within(1e-6f));
    }

    @Test
    void shouldBeInactiveWithNeutralSettings() {
        assertThat(new LogitPenalties(1.0, 0, 4, new int[]{1}).active()).isFalse();
        assertThat(new LogitPenalties(1.2, 0, 4, new int[]{1}).active()).isTrue();
    }
}
