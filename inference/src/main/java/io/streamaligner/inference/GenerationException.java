package io.streamaligner.inference;

/** Generation failed while running: a forward pass, a caller's callback, an interrupt, or a closed engine. */
public final class GenerationException extends InferenceException {

    public GenerationException(String message) {
        super(message);
    }

    public GenerationException(String message, Throwable cause) {
        super(message, cause);
    }
}
