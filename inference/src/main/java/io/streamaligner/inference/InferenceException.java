package io.streamaligner.inference;

/** Base of every error the inference module throws on purpose; catch this to handle them all. */
public class InferenceException extends RuntimeException {

    public InferenceException(String message) {
        super(message);
    }

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
