package io.streamaligner.inference.http;

import io.streamaligner.inference.InferenceException;

/**
 * An OpenAI-compatible server cannot be used at all: wrong URL, refused connection, rejected API key, a served model it
 * does not have. Thrown by {@link HttpTextGenerator#open}; not retryable, since the configuration must change first.
 * Its message names the URL and what went wrong, never the API key.
 */
public final class HttpBackendException extends InferenceException {

    public HttpBackendException(String message) {
        super(message);
    }

    public HttpBackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
