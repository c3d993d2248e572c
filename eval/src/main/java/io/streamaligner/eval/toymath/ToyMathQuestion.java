package io.streamaligner.eval.toymath;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * One question of the toy arithmetic domain the bundled models were trained on (training/domain.py):
 * {@code What is A op B op C?} with 2 or 3 operations, operands 1..50, operators + and -, every partial
 * result within -99..199. Its correct answer is computable, so alignment quality is measurable.
 *
 * @param operands 3 or 4 integers in 1..50
 * @param operators one fewer than operands, each '+' or '-'
 */
public record ToyMathQuestion(List<Integer> operands, List<Character> operators) {

    public static final int OPERAND_MIN = 1;
    public static final int OPERAND_MAX = 50;
    public static final int PARTIAL_MIN = -99;
    public static final int PARTIAL_MAX = 199;

    public ToyMathQuestion {
        operands = List.copyOf(Objects.requireNonNull(operands, "operands"));
        operators = List.copyOf(Objects.requireNonNull(operators, "operators"));
        if (operators.size() != operands.size() - 1 || operators.size() < 2 || operators.size() > 3) {
            throw new IllegalArgumentException("need 2 or 3 operators and one more operand, got "
                    + operands + " " + operators);
        }
        for (char op : operators) {
            if (op != '+' && op != '-') {
                throw new IllegalArgumentException("operator must be + or -, got " + op);
            }
        }
    }

    /** Draws a question from the domain's distribution, resampling until every partial result is in range. */
    public static ToyMathQuestion sample(Random random) {
        int operations = 2 + random.nextInt(2);
        while (true) {
            List<Integer> operands = new ArrayList<>();
            List<Character> operators = new ArrayList<>();
            for (int i = 0; i <= operations; i++) {
                operands.add(OPERAND_MIN + random.nextInt(OPERAND_MAX - OPERAND_MIN + 1));
            }
            for (int i = 0; i < operations; i++) {
                operators.add(random.nextBoolean() ? '+' : '-');
            }
            ToyMathQuestion question = new ToyMathQuestion(operands, operators);
            if (question.partialResults().stream().allMatch(p -> p >= PARTIAL_MIN && p <= PARTIAL_MAX)) {
                return question;
            }
        }
    }

    /** Draws {@code count} questions from a seeded stream. */
    public static List<ToyMathQuestion> sample(long seed, int count) {
        Random random = new Random(seed);
        List<ToyMathQuestion> questions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            questions.add(sample(random));
        }
        return questions;
    }

    public String text() {
        StringBuilder text = new StringBuilder("What is ").append(operands.get(0));
        for (int i = 0; i < operators.size(); i++) {
            text.append(' ').append(operators.get(i)).append(' ').append(operands.get(i + 1));
        }
        return text.append('?').toString();
    }

    public List<Integer> partialResults() {
        List<Integer> partials = new ArrayList<>();
        int accumulator = operands.get(0);
        for (int i = 0; i < operators.size(); i++) {
            accumulator = operators.get(i) == '+' ? accumulator + operands.get(i + 1) : accumulator - operands.get(i + 1);
            partials.add(accumulator);
        }
        return partials;
    }

    public int result() {
        return partialResults().get(partialResults().size() - 1);
    }

    /** The worked answer the domain calls correct: one sentence per step, then the result. */
    public String correctAnswer() {
        StringBuilder answer = new StringBuilder();
        int left = operands.get(0);
        List<Integer> partials = partialResults();
        for (int i = 0; i < operators.size(); i++) {
            answer.append(i == 0 ? "First, " : " Then, ").append(left).append(' ').append(operators.get(i))
                    .append(' ').append(operands.get(i + 1)).append(" = ").append(partials.get(i)).append('.');
            left = partials.get(i);
        }
        return answer.append(" The answer is ").append(left).append('.').toString();
    }
}
