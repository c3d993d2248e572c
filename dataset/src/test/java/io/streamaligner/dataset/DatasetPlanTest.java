package io.streamaligner.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.eval.EvalItem;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which questions a run asks. */
class DatasetPlanTest {

    @Test
    void shouldAskEachQuestionOnceUnlessAnEarlierRunDidIt() {
        EvalItem first = item(1, "q1?");
        EvalItem done = item(2, "q2?");
        EvalItem third = item(3, "q3?");
        EvalItem again = item(4, "q1?");

        DatasetPlan plan = DatasetPlan.of(List.of(first, done, third, again), Set.of("q2?"));

        assertThat(plan.todo()).containsExactly(first, third);
        assertThat(plan.doneBefore()).isEqualTo(1);
        assertThat(plan.repeated()).containsExactly(again);
    }

    private static EvalItem item(int line, String question) {
        return new EvalItem(line, question, Optional.empty());
    }
}
