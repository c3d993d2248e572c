package io.streamaligner.topology.toymath;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The number an answer of the toy domain gives: the one after its last "The answer is", else its last number.
 * A toy answer ends "The answer is 52." ({@link ToyMathQuestion#correctAnswer()}); an answer cut short by a stop
 * rule may not get there, and its last partial result is then its best guess.
 */
public final class AnswerNumber {

    private static final Pattern STATED = Pattern.compile("(?i)the answer is\\s*(-?\\d+)");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+");

    private AnswerNumber() {
    }

    /** The answer's number, or empty when it holds none (or only numbers too large for an int). */
    public static OptionalInt of(String answer) {
        Objects.requireNonNull(answer, "answer");
        OptionalInt stated = last(STATED.matcher(answer), 1);
        return stated.isPresent() ? stated : last(NUMBER.matcher(answer), 0);
    }

    /** Whether the answer's number is the question's result. */
    public static boolean isRight(ToyMathQuestion question, String answer) {
        OptionalInt number = of(answer);
        return number.isPresent() && number.getAsInt() == Objects.requireNonNull(question, "question").result();
    }

    private static OptionalInt last(Matcher matcher, int group) {
        OptionalInt last = OptionalInt.empty();
        while (matcher.find()) {
            try {
                last = OptionalInt.of(Integer.parseInt(matcher.group(group)));
            } catch (NumberFormatException tooLarge) {
                // not a number this domain can give; keep looking
            }
        }
        return last;
    }
}
