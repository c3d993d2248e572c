package io.streamaligner.eval;

import java.util.List;
import java.util.Objects;

/**
 * One arm's answers to the dataset's questions.
 *
 * @param arm       which arm
 * @param answers   one per question, in dataset order
 * @param wallNanos from the first question asked to the last answer, all in flight together as allowed
 */
public record ArmResults(ArmName arm, List<ArmAnswer> answers, long wallNanos) {

    public ArmResults {
        Objects.requireNonNull(arm, "arm");
        answers = List.copyOf(Objects.requireNonNull(answers, "answers"));
    }
}
