package io.streamaligner.inference.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.InferenceException;
import io.streamaligner.inference.PromptTooLongException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * The one place that decides what an HTTP failure means for the loop: whether trying the same request again may help
 * (connection errors, timeouts, 5xx, 408, 429, a broken stream) or not (any other 4xx: the request or the
 * configuration must change), and how long the server asked to wait ({@code Retry-After} on 429 and 503); an error
 * that says the prompt exceeds the model's context is a {@link PromptTooLongException}, which ends an answer under
 * way with its {@code MAX_TOKENS} final. Messages name the request, the endpoint and the server's own message, never
 * the API key.
 */
final class HttpFailures {

    /**
     * The longest wait a {@code Retry-After} may ask for; a longer one is capped: the waiting call keeps its place in
     * the inference stage's in-flight bound, and a request is better ended with its error than held for minutes.
     */
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpFailures() {
    }

    /** The server answered with a status other than 200. */
    static InferenceException status(String requestId, String endpoint, int status, HttpHeaders headers,
                                     String body) {
        String message = "request " + requestId + ": " + endpoint + " answered HTTP " + status + describe(status)
                + serverMessage(body).map(text -> ": " + text).orElse("");
        // TGI answers its validation errors 422
        if ((status == 400 || status == 422) && saysContextExceeded(body)) {
            return new PromptTooLongException(message);
        }
        if (status == 429 || status == 503) {
            Optional<Duration> wait = retryAfter(headers.firstValue("Retry-After"), Instant.now());
            if (wait.isPresent()) {
                return GenerationException.retryableAfter(message + " (Retry-After " + wait.get().toMillis() + " ms)",
                        wait.get());
            }
            return GenerationException.retryable(message, null);
        }
        if (status >= 500 || status == 408) {
            return GenerationException.retryable(message, null);
        }
        return new GenerationException(message);
    }

    /**
     * Whether {@code error} says the connection closed before the answer's first byte, as a pooled connection the
     * server dropped while idle does. The JDK's client marks it {@code ConnectionExpiredException} (an internal class,
     * so known here by name) and retries it by itself for idempotent methods only; for a POST it hands over the
     * header parser's own error.
     */
    static boolean isStalePooledConnection(Throwable error) {
        return error instanceof IOException && (error.getClass().getSimpleName().equals("ConnectionExpiredException")
                || String.valueOf(error.getMessage()).contains("header parser received no bytes"));
    }

    /** The exchange failed below HTTP: a refused or reset connection, a connect or header timeout. */
    static GenerationException transport(String requestId, String endpoint, Throwable error) {
        String what;
        if (error instanceof HttpConnectTimeoutException) {
            what = "connecting timed out";
        } else if (error instanceof HttpTimeoutException) {
            what = "no response headers in time";
        } else if (error instanceof ConnectException) {
            what = "connection refused";
        } else if (error instanceof IOException) {
            what = "connection failed (" + error.getClass().getSimpleName()
                    + Optional.ofNullable(error.getMessage()).map(text -> ": " + text).orElse("") + ")";
        } else {
            return new GenerationException("request " + requestId + ": " + endpoint + " failed: " + error, error);
        }
        return GenerationException.retryable("request " + requestId + ": " + endpoint + ": " + what, error);
    }

    /** The stream broke after it began: a malformed chunk, silence past a timeout, an early end. */
    static GenerationException stream(String requestId, String endpoint, String what) {
        return GenerationException.retryable("request " + requestId + ": " + endpoint + " stream " + what, null);
    }

    /**
     * The server sent an error in the stream, or as the body of a 200 answered whole: one that says the context is
     * exceeded (as llama.cpp reports it mid-stream) is a {@link PromptTooLongException}, TGI's {@code validation}
     * errors are not retried, and any other is: a server has checked the request before it answered 200, and what
     * fails after that is its own fault, whatever status it names (vLLM calls an engine gone or out of memory 400).
     *
     * @param what how it came, e.g. "stream carried an error"
     */
    static InferenceException serverError(String requestId, String endpoint, String what,
                                          StreamChunk.ServerError error) {
        String message = "request " + requestId + ": " + endpoint + " " + what + ": "
                + ChunkParser.excerpt(error.message());
        if (saysContextExceeded(error.code(), error.type(), error.message())) {
            return new PromptTooLongException(message);
        }
        return error.type().equals("validation") ? new GenerationException(message)
                : GenerationException.retryable(message, null);
    }

    /**
     * How long a {@code Retry-After} header asks to wait: delay-seconds or an HTTP date (RFC 9110 10.2.3), capped at
     * {@link #MAX_RETRY_AFTER}; empty when absent or unreadable.
     */
    static Optional<Duration> retryAfter(Optional<String> header, Instant now) {
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String value = header.get().strip();
        Duration wait;
        try {
            wait = Duration.ofSeconds(Long.parseLong(value));
        } catch (NumberFormatException notSeconds) {
            try {
                wait = Duration.between(now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant());
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
        if (wait.isNegative()) {
            return Optional.of(Duration.ZERO);
        }
        return Optional.of(wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait);
    }

    /** The message of an OpenAI-style error body, else the body's start; empty for an empty body. */
    static Optional<String> serverMessage(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode root = JSON.readTree(body);
            if (root != null && root.has("error")) {
                return Optional.of(ChunkParser.excerpt(ChunkParser.errorMessage(root.get("error"))));
            }
            if (root != null && root.path("detail").isTextual()) {
                return Optional.of(ChunkParser.excerpt(root.get("detail").textValue()));
            }
        } catch (IOException notJson) {
            // quoted as text below
        }
        return Optional.of(ChunkParser.excerpt(body));
    }

    /**
     * Whether an error body (a 400's, TGI's 422) says the prompt does not fit the model's context, as each server words
     * it: OpenAI's and {@code serve}'s code {@code context_length_exceeded}, llama.cpp's type
     * {@code exceed_context_size_error}, vLLM's and SGLang's "maximum context length", TGI's
     * {@code inputs must have less than N tokens} and {@code `inputs` tokens + `max_new_tokens` must be <= N}.
     */
    static boolean saysContextExceeded(String body) {
        if (body == null || body.isBlank()) {
            return false;
        }
        String code = "";
        String type = "";
        try {
            JsonNode error = JSON.readTree(body).path("error");
            code = error.path("code").asText("");
            type = error.path("type").asText("");
        } catch (IOException notJson) {
            // read as text below
        }
        return saysContextExceeded(code, type, body);
    }

    /** The rule of {@link #saysContextExceeded(String)} on an error's textual code, its type and its text. */
    private static boolean saysContextExceeded(String code, String type, String text) {
        if (code.equals("context_length_exceeded") || type.equals("exceed_context_size_error")) {
            return true;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        return lower.contains("maximum context length") || lower.contains("context length exceeded")
                || lower.contains("exceeds the available context size")
                || lower.contains("input validation error") && (lower.contains("must have less than")
                        || lower.contains("tokens + `max_new_tokens` must be <="));
    }

    private static String describe(int status) {
        return switch (status) {
            case 401, 403 -> " (the API key is missing or was rejected)";
            case 404 -> " (wrong base URL or served model name?)";
            case 413 -> " (request too large for the server)";
            case 429 -> " (rate limited)";
            default -> "";
        };
    }
}
