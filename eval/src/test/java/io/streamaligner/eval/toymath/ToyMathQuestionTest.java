package io.streamaligner.eval.toymath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ToyMathQuestionTest {

    @Test
    void shouldRenderTheDomainsQuestionAndWorkedAnswer() {
        ToyMathQuestion question = new ToyMathQuestion(List.of(23, 48, 15), List.of('+', '-'));

        assertThat(question.text()).isEqualTo("What is 23 + 48 - 15?");
        assertThat(question.result()).isEqualTo(56);
        assertThat(question.correctAnswer()).isEqualTo("First, 23 + 48 = 71. Then, 71 - 15 = 56. The answer is 56.");
    }

    @Test
    void shouldSampleOnlyQuestionsInsideTheDomain() {
        for (ToyMathQuestion question : ToyMathQuestion.sample(7, 2000)) {
            assertThat(question.operators()).hasSizeBetween(2, 3);
            assertThat(question.operands()).allMatch(o -> o >= 1 && o <= 50);
            assertThat(question.partialResults()).allMatch(p -> p >= -99 && p <= 199);
        }
    }

    @Test
    void shouldRepeatTheSameQuestionsForTheSameSeed() {
        assertThat(ToyMathQuestion.sample(42, 50)).isEqualTo(ToyMathQuestion.sample(42, 50));
        assertThat(ToyMathQuestion.sample(42, 50)).isNotEqualTo(ToyMathQuestion.sample(43, 50));
    }

    @Test
    void shouldRejectOperatorsOutsideTheDomain() {
        assertThatThrownBy(() -> new ToyMathQuestion(List.of(1, 2, 3), List.of('+', '*')))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("*");
    }
}
