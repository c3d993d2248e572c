package io.streamaligner.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class AnswerNumbersTest {

    @Test
    void shouldReadTheNumberAfterTheAnswerIs() {
        assertThat(AnswerNumbers.extract("First, 23 + 48 = 71. Then, 71 - 15 = 56. The answer is 56. Bye 3."))
                .contains(new BigDecimal("56"));
    }

    @Test
    void shouldFallBackToTheLastNumberWithoutAStatedAnswer() {
        assertThat(AnswerNumbers.extract("First, 23 + 48 = 71. Then, 71 - 15 = 56.")).contains(new BigDecimal("56"));
    }

    @Test
    void shouldTakeTheLastStatedAnswerWhenThereAreSeveral() {
        assertThat(AnswerNumbers.extract("The answer is 5. No wait, the answer is 7.")).contains(new BigDecimal("7"));
    }

    @Test
    void shouldReadNegativeGroupedAndDecimalNumbers() {
        assertThat(AnswerNumbers.extract("Then, 3 - 12 = -9. The answer is -9.")).contains(new BigDecimal("-9"));
        assertThat(AnswerNumbers.extract("It costs 1,250.50 in total")).contains(new BigDecimal("1250.50"));
        assertThat(AnswerNumbers.extract("The answer is $3.50.")).contains(new BigDecimal("3.50"));
    }

    @Test
    void shouldFindNoNumberInTextWithoutDigits() {
        assertThat(AnswerNumbers.extract("I do not know.")).isEmpty();
    }

    @Test
    void shouldCompareWithTheExpectedAnswerByValue() {
        assertThat(AnswerNumbers.isCorrect("The answer is 56.", "56")).isTrue();
        assertThat(AnswerNumbers.isCorrect("The answer is 56.0.", "56")).isTrue();
        assertThat(AnswerNumbers.isCorrect("The answer is 57.", "56")).isFalse();
        assertThat(AnswerNumbers.isCorrect("The answer is -56.", "56")).isFalse();
    }

    @Test
    void shouldReadAnExpectedAnswerGivenAsAWorkedAnswer() {
        assertThat(AnswerNumbers.isCorrect("so 1,000 in all", "First, 600 + 400 = 1000. The answer is 1000.")).isTrue();
    }

    @Test
    void shouldCountAnAnswerWithoutANumberAsWrong() {
        assertThat(AnswerNumbers.isCorrect("I cannot say.", "56")).isFalse();
        assertThat(AnswerNumbers.isCorrect("The answer is 56.", "unknown")).isFalse();
    }
}
