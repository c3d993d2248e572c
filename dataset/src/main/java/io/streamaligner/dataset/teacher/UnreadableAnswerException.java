package io.streamaligner.dataset.teacher;

/** A teacher's answer that is not in the format its prompt asks for; the message says what is missing or wrong. */
public final class UnreadableAnswerException extends Exception {

    public UnreadableAnswerException(String reason) {
        super(reason, null, false, false);
    }

    /** What is missing or wrong, e.g. {@code no CORRECTION: [[…]] in the answer}. */
    public String reason() {
        return getMessage();
    }
}
