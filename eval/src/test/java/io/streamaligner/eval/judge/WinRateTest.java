package io.streamaligner.eval.judge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class WinRateTest {

    @Test
    void shouldBeWinsMinusLossesOverAllJudgedInPercent() {
        WinRate rate = WinRate.of(List.of(PairwiseOutcome.WIN, PairwiseOutcome.WIN, PairwiseOutcome.WIN, PairwiseOutcome.WIN,
                PairwiseOutcome.WIN, PairwiseOutcome.WIN, PairwiseOutcome.TIE, PairwiseOutcome.TIE, PairwiseOutcome.TIE,
                PairwiseOutcome.LOSS));

        assertThat(rate).isEqualTo(new WinRate(6, 3, 1));
        assertThat(rate.total()).isEqualTo(10);
        assertThat(rate.omegaPercent()).isEqualTo(50.0);
    }

    @Test
    void shouldSpanMinusToPlusOneHundredPercent() {
        assertThat(WinRate.of(Collections.nCopies(4, PairwiseOutcome.WIN)).omegaPercent()).isEqualTo(100.0);
        assertThat(WinRate.of(Collections.nCopies(3, PairwiseOutcome.LOSS)).omegaPercent()).isEqualTo(-100.0);
        assertThat(WinRate.of(Collections.nCopies(5, PairwiseOutcome.TIE)).omegaPercent()).isZero();
        assertThat(new WinRate(1, 0, 2).omegaPercent()).isCloseTo(-33.333, org.assertj.core.api.Assertions.within(0.001));
    }

    @Test
    void shouldBeNotANumberWhenNothingWasJudged() {
        assertThat(WinRate.of(List.of()).omegaPercent()).isNaN();
    }
}
