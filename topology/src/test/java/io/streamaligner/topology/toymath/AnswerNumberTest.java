package io.streamaligner.topology.toymath;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AnswerNumberTest {

    @Test
    void shouldTakeTheNumberAfterTheAnswerIs() {
        assertThat(AnswerNumber.of("First, 23 + 48 = 71. Then, 71 - 19 = 52. The answer is 52.")).hasValue(52);
        assertThat(AnswerNumber.of("The answer is 7. Then, 7 + 1 = 8.")).as("stated beats last").hasValue(7);
        assertThat(AnswerNumber.of("the answer is -18.")).hasValue(-18);
    }

    @Test
    void shouldFallBackToTheLastNumber() {
        assertThat(AnswerNumber.of("First, 12 - 30 = -18. Then, -18 + 5 = -13.")).hasValue(-13);
        assertThat(AnswerNumber.of("First, 3 + 4 = 7")).hasValue(7);
    }

    @Test
    void shouldFindNothingInAnAnswerWithoutNumbers() {
        assertThat(AnswerNumber.of("I cannot say.")).isEmpty();
        assertThat(AnswerNumber.of("")).isEmpty();
        assertThat(AnswerNumber.of("It is 99999999999999999999.")).isEmpty();
    }

    @Test
    void shouldJudgeAnAnswerAgainstTheQuestionsResult() {
        ToyMathQuestion question = new ToyMathQuestion(List.of(23, 48, 19), List.of('+', '-'));

        assertThat(AnswerNumber.isRight(question, question.correctAnswer())).isTrue();
        assertThat(AnswerNumber.isRight(question, "First, 23 + 48 = 72. Then, 72 - 19 = 53. The answer is 53.")).isFalse();
        assertThat(AnswerNumber.isRight(question, "No idea.")).isFalse();
    }
}
