package io.streamaligner.eval;

import static io.streamaligner.eval.EvalAnswers.answer;
import static io.streamaligner.eval.EvalAnswers.item;
import static io.streamaligner.eval.EvalAnswers.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArmMetricsTest {

    private final List<EvalItem> items = List.of(item(1, "3"), item(2, "5"), item(3, null), item(4, "9"));

    @Test
    void shouldGradeOnlyItemsWithAnExpectedAnswerAndCountFailuresAsWrong() {
        ArmResults results = results(ArmName.STREAM, 2_000,
                answer("The answer is 3.", List.of(), 10, 100, 10),
                answer("The answer is 6.", List.of(), 10, 100, 10),
                answer("No number here.", List.of(), 10, 100, 10),
                ArmAnswer.failed(5_000_000, "TimeoutException: no final event"));

        ArmMetrics metrics = ArmMetrics.of(results, items);

        assertThat(metrics.graded()).isEqualTo(3);
        assertThat(metrics.correct()).isEqualTo(1);
        assertThat(metrics.errors()).isEqualTo(1);
        assertThat(metrics.accuracy().getAsDouble()).isCloseTo(1.0 / 3, within(1e-9));
    }

    @Test
    void shouldMeasureChangedSentencesRoundsAndLatenciesOverSuccessfulAnswers() {
        SentenceRevision kept = new SentenceRevision("First, 1 + 2 = 3.", "First, 1 + 2 = 3.");
        SentenceRevision fixed = new SentenceRevision("Then, 3 + 2 = 6.", "Then, 3 + 2 = 5.");
        ArmResults results = results(ArmName.POSTHOC, 4_000,
                answer("a", List.of(kept, fixed), 30, 200, 30, 40),
                answer("b", List.of(kept, kept, fixed, fixed), 50, 400, 50, 10, 10, 10),
                answer("c", List.of(kept), 20, 100, 20),
                ArmAnswer.failed(1, "boom"));

        ArmMetrics metrics = ArmMetrics.of(results, items);

        assertThat(metrics.changedShare().getAsDouble()).isCloseTo(3.0 / 7, within(1e-9));
        assertThat(metrics.roundsPerAnswer()).isCloseTo(7.0 / 3, within(1e-9));
        assertThat(metrics.firstSentence().p50Ms()).isEqualTo(30.0);
        assertThat(metrics.round().count()).isEqualTo(7);
        assertThat(metrics.round().p50Ms()).isEqualTo(20.0);
        assertThat(metrics.round().p99Ms()).isEqualTo(50.0);
        assertThat(metrics.total().p50Ms()).isEqualTo(200.0);
        assertThat(metrics.answersPerSecond()).isCloseTo(3 / 4.0, within(1e-9));
    }

    @Test
    void shouldLeaveTheChangedShareEmptyForAnArmWithoutAnAligner() {
        ArmResults results = results(ArmName.UPSTREAM, 1_000,
                answer("The answer is 3.", List.of(), 5, 9, 5), answer("x", List.of(), 5, 9, 5),
                answer("y", List.of(), 5, 9, 5), answer("z", List.of(), 5, 9, 5));

        ArmMetrics metrics = ArmMetrics.of(results, items);

        assertThat(metrics.changedShare()).isEmpty();
        assertThat(metrics.accuracy().getAsDouble()).isCloseTo(1.0 / 3, within(1e-9));
    }

    @Test
    void shouldLeaveAccuracyEmptyWhenNothingIsGraded() {
        List<EvalItem> ungraded = List.of(item(1, null));

        ArmMetrics metrics = ArmMetrics.of(results(ArmName.STREAM, 10, answer("3", List.of(), 1, 2, 1)), ungraded);

        assertThat(metrics.accuracy()).isEmpty();
        assertThat(metrics.graded()).isZero();
    }
}
