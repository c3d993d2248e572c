package io.streamaligner.inference;

import java.time.Duration;
import java.util.Optional;

/**
 * Base of every error the inference module throws on purpose; catch this to handle them all. {@link #retryable()}
 * says whether the same request may succeed when tried again (a server's 5xx, a dropped connection, a timeout), as
 * opposed to failing the same way (a prompt too long, a malformed model).
 */
public class InferenceException extends RuntimeException {

    private final boolean retryable;
    private final Duration retryAfter;

    public InferenceException(String message) {
        this(message, null, false);
    }

    public InferenceException(String message, Throwable cause) {
        this(message, cause, false);
    }

    protected InferenceException(String message, Throwable cause, boolean retryable) {
        this(message, cause, retryable, null);
    }

    /** @param retryAfter how long the backend asked callers to wait before trying again (a 429's Retry-After), or null */
    protected InferenceException(String message, Throwable cause, boolean retryable, Duration retryAfter) {
        super(message, cause);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    /** Whether trying the same request again may succeed. */
    public boolean retryable() {
        return retryable;
    }

    /** The least wait before trying again that the backend asked for, if it asked (HTTP {@code Retry-After}). */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
