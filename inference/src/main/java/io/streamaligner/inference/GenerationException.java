package io.streamaligner.inference;

import java.time.Duration;
import java.util.Objects;

/** Generation failed while running: a forward pass, a caller's callback, an interrupt, a backend, or a closed engine. */
public final class GenerationException extends InferenceException {

    public GenerationException(String message) {
        super(message);
    }

    public GenerationException(String message, Throwable cause) {
        super(message, cause);
    }

    private GenerationException(String message, Throwable cause, boolean retryable, Duration retryAfter) {
        super(message, cause, retryable, retryAfter);
    }

    /** A failure that trying the same request again may not repeat (a server error, a dropped connection). */
    public static GenerationException retryable(String message, Throwable cause) {
        return new GenerationException(message, cause, true, null);
    }

    /** A retryable failure whose backend asked to wait at least {@code retryAfter} first (an HTTP 429 or 503). */
    public static GenerationException retryableAfter(String message, Duration retryAfter) {
        return new GenerationException(message, null, true, Objects.requireNonNull(retryAfter, "retryAfter"));
    }
}
