package io.streamaligner.eval;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the final number of an answer: the number after its last {@code The answer is}, else the last number in
 * the text, as the toy domain states it ({@link io.streamaligner.eval.toymath.ToyMathQuestion#correctAnswer()}).
 * It serves any dataset: numbers may be negative and have thousands separators and
 * decimals ({@code -1,250.5}), compare by value ({@code 56} matches {@code 56.0}), and the expected answer may
 * itself be a text ending in its number.
 */
public final class AnswerNumbers {

    private static final String NUMBER = "-?\\d+(?:,\\d{3})*(?:\\.\\d+)?";
    private static final Pattern STATED_ANSWER = Pattern.compile("(?i)the answer is\\s*\\$?(" + NUMBER + ")");
    private static final Pattern ANY_NUMBER = Pattern.compile(NUMBER);

    private AnswerNumbers() {
    }

    /** The answer's number, or empty when the text holds no number. */
    public static Optional<BigDecimal> extract(String text) {
        Optional<String> stated = last(STATED_ANSWER.matcher(text), 1);
        return stated.or(() -> last(ANY_NUMBER.matcher(text), 0)).map(AnswerNumbers::toNumber);
    }

    /**
     * Whether {@code answer} states the expected number. The expected answer is read by the same rule, so a
     * dataset may give {@code "56"} or a whole worked answer; one without a number matches nothing.
     */
    public static boolean isCorrect(String answer, String expected) {
        Optional<BigDecimal> want = extract(expected);
        Optional<BigDecimal> got = extract(answer);
        return want.isPresent() && got.isPresent() && want.get().compareTo(got.get()) == 0;
    }

    private static Optional<String> last(Matcher matcher, int group) {
        String last = null;
        while (matcher.find()) {
            last = matcher.group(group);
        }
        return Optional.ofNullable(last);
    }

    private static BigDecimal toNumber(String digits) {
        return new BigDecimal(digits.replace(",", ""));
    }
}
