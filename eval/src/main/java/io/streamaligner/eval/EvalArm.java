package io.streamaligner.eval;

/**
 * One way of answering a question, timed. Implementations are called from up to {@code --concurrency}
 * threads at once and block until their answer is complete.
 */
public interface EvalArm {

    ArmName name();

    /**
     * Answers one question.
     *
     * @param requestId unique per call, for the arm's requests to its models or topics
     * @param question  the question as the dataset gives it
     * @param sampling  the upstream's sampling for this question, the same in every arm
     * @return the answer; an arm may also throw, and the caller records the failure as this question's answer
     */
    ArmAnswer answer(String requestId, String question, QuestionSampling sampling) throws Exception;
}
