package io.streamaligner.eval;

import java.util.Objects;
import java.util.Optional;

/**
 * One question of an evaluation dataset.
 *
 * @param lineNumber     the question's line in the dataset file (from 1), to name it in reports
 * @param question       what every arm is asked
 * @param expectedAnswer the reference answer as the dataset gives it (a number or a text ending in one);
 *                       empty when the dataset gives none, and then the item is not graded for accuracy
 */
public record EvalItem(int lineNumber, String question, Optional<String> expectedAnswer) {

    public EvalItem {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(expectedAnswer, "expectedAnswer");
        if (lineNumber < 1) {
            throw new IllegalArgumentException("lineNumber must be at least 1, got " + lineNumber);
        }
    }
}
