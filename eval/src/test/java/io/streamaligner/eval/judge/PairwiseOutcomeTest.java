package io.streamaligner.eval.judge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PairwiseOutcomeTest {

    @Test
    void shouldWinWhenTheStreamAnswerIsPreferredInBothOrders() {
        // stream first: A is the stream answer; upstream first: B is the stream answer
        assertThat(PairwiseOutcome.of(Verdict.A, Verdict.B)).isEqualTo(PairwiseOutcome.WIN);
    }

    @Test
    void shouldLoseWhenTheUpstreamAnswerIsPreferredInBothOrders() {
        assertThat(PairwiseOutcome.of(Verdict.B, Verdict.A)).isEqualTo(PairwiseOutcome.LOSS);
    }

    @Test
    void shouldCancelAJudgeThatAlwaysPrefersOnePosition() {
        assertThat(PairwiseOutcome.of(Verdict.A, Verdict.A)).isEqualTo(PairwiseOutcome.TIE);
        assertThat(PairwiseOutcome.of(Verdict.B, Verdict.B)).isEqualTo(PairwiseOutcome.TIE);
    }

    @Test
    void shouldLetOnePreferenceDecideAgainstATieOrAnUnreadableVerdict() {
        assertThat(PairwiseOutcome.of(Verdict.A, Verdict.TIE)).isEqualTo(PairwiseOutcome.WIN);
        assertThat(PairwiseOutcome.of(Verdict.TIE, Verdict.A)).isEqualTo(PairwiseOutcome.LOSS);
        assertThat(PairwiseOutcome.of(Verdict.UNPARSEABLE, Verdict.B)).isEqualTo(PairwiseOutcome.WIN);
        assertThat(PairwiseOutcome.of(Verdict.TIE, Verdict.TIE)).isEqualTo(PairwiseOutcome.TIE);
    }
}
