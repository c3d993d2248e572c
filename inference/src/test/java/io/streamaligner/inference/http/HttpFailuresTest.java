package io.streamaligner.inference.http;

import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.InferenceException;
import io.streamaligner.inference.PromptTooLongException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class HttpFailuresTest {

    private static final String ENDPOINT = "POST http://127.0.0.1:8000/v1/chat/completions";
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    private static HttpHeaders headers(Map<String, String> values) {
        return HttpHeaders.of(values.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> List.of(entry.getValue()))),
                (name, value) -> true);
    }

    private static InferenceException status(int status, Map<String, String> headers, String body) {
        return HttpFailures.status("r1", ENDPOINT, status, headers(headers), body);
    }

    private static String httpDate(Instant instant) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(instant.atZone(ZoneOffset.UTC));
    }

    // ---- Retry-After ----

    @Test
    void shouldReadRetryAfterInSeconds() {
        assertThat(HttpFailures.retryAfter(Optional.of("2"), NOW)).contains(Duration.ofSeconds(2));
        assertThat(HttpFailures.retryAfter(Optional.of(" 45 "), NOW)).contains(Duration.ofSeconds(45));
    }

    @Test
    void shouldReadRetryAfterAsAnHttpDate() {
        assertThat(HttpFailures.retryAfter(Optional.of("Thu, 01 Jan 2026 12:00:30 GMT"), NOW))
                .contains(Duration.ofSeconds(30));
    }

    @Test
    void shouldWaitNotAtAllForAnHttpDateInThePast() {
        assertThat(HttpFailures.retryAfter(Optional.of(httpDate(NOW.minusSeconds(60))), NOW))
                .contains(Duration.ZERO);
    }

    @Test
    void shouldCapALongRetryAfter() {
        assertThat(HttpFailures.retryAfter(Optional.of("86400"), NOW)).contains(HttpFailures.MAX_RETRY_AFTER);
        assertThat(HttpFailures.retryAfter(Optional.of(httpDate(NOW.plus(Duration.ofHours(2)))), NOW))
                .contains(HttpFailures.MAX_RETRY_AFTER);
    }

    @Test
    void shouldTakeNoWaitFromAMissingOrUnreadableRetryAfter() {
        assertThat(HttpFailures.retryAfter(Optional.empty(), NOW)).isEmpty();
        assertThat(HttpFailures.retryAfter(Optional.of("soon"), NOW)).isEmpty();
        assertThat(HttpFailures.retryAfter(Optional.of("1.5"), NOW)).isEmpty();
    }

    // ---- statuses ----

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504, 408, 429})
    void shouldLetTheCallerRetryServerErrorsTimeoutsAndRateLimits(int code) {
        assertThat(status(code, Map.of(), "").retryable()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 413, 422})
    void shouldNotLetTheCallerRetryOtherClientErrors(int code) {
        assertThat(status(code, Map.of(), "").retryable()).isFalse();
    }

    @Test
    void shouldPassOnTheWaitARateLimitAsksFor() {
        InferenceException failure = status(429, Map.of("Retry-After", "2"), "");

        assertThat(failure.retryAfter()).contains(Duration.ofSeconds(2));
        assertThat(failure).hasMessageContaining("Retry-After 2000 ms").hasMessageContaining("rate limited");
    }

    @Test
    void shouldPassOnTheWaitAnUnavailableServerAsksFor() {
        assertThat(status(503, Map.of("Retry-After", "7"), "").retryAfter()).contains(Duration.ofSeconds(7));
    }

    @Test
    void shouldIgnoreRetryAfterOnOtherStatuses() {
        assertThat(status(500, Map.of("Retry-After", "7"), "").retryAfter()).isEmpty();
    }

    @Test
    void shouldNameTheRequestTheEndpointAndTheStatus() {
        assertThat(status(404, Map.of(), ""))
                .hasMessage("request r1: " + ENDPOINT + " answered HTTP 404 (wrong base URL or served model name?)");
    }

    @Test
    void shouldQuoteTheMessageOfAnOpenAiErrorBody() {
        assertThat(status(400, Map.of(), "{\"error\":{\"message\":\"max_tokens is too large\","
                + "\"type\":\"invalid_request_error\"}}"))
                .hasMessageEndingWith(": max_tokens is too large");
    }

    @Test
    void shouldReadEachServersContextLengthErrorAsAPromptTooLong() {
        List<String> bodies = List.of(
                "{\"error\":{\"message\":\"This model's maximum context length is 512 tokens. However, you requested"
                        + " 600 tokens.\",\"type\":\"BadRequestError\",\"code\":400}}",
                "{\"object\":\"error\",\"message\":\"This model's maximum context length is 4096 tokens.\",\"code\":400}",
                "{\"error\":{\"code\":400,\"message\":\"the request exceeds the available context size, try increasing it\","
                        + "\"type\":\"exceed_context_size_error\"}}",
                "{\"error\":{\"message\":\"prompt has 600 tokens\",\"type\":\"invalid_request_error\","
                        + "\"code\":\"context_length_exceeded\"}}",
                "{\"error\":\"Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 4000"
                        + " `inputs` tokens and 200 `max_new_tokens`. inputs must have less than 4096 tokens\","
                        + "\"error_type\":\"validation\"}");

        for (String body : bodies) {
            InferenceException failure = status(400, Map.of(), body);
            assertThat(failure).as(body).isInstanceOf(PromptTooLongException.class).hasMessageContaining("HTTP 400");
            assertThat(failure.retryable()).isFalse();
        }
        assertThat(status(400, Map.of(), "{\"error\":{\"message\":\"max_tokens is too large\"}}"))
                .isNotInstanceOf(PromptTooLongException.class);
        assertThat(status(413, Map.of(), "maximum context length")).isNotInstanceOf(PromptTooLongException.class);
        // TGI: a 422, with only the total worded
        assertThat(status(422, Map.of(), "{\"error\":\"Input validation error: `inputs` tokens + `max_new_tokens` must"
                + " be <= 4096. Given: 4000 `inputs` tokens and 200 `max_new_tokens`\",\"error_type\":\"validation\"}"))
                .isInstanceOf(PromptTooLongException.class);
        assertThat(status(422, Map.of(), "{\"error\":\"Input validation error: `max_new_tokens` must be <= 2048."
                + " Given: 4000\",\"error_type\":\"validation\"}")).isNotInstanceOf(PromptTooLongException.class);
    }

    @Test
    void shouldQuoteTheDetailOfAFastApiErrorBody() {
        assertThat(HttpFailures.serverMessage("{\"detail\":\"Not Found\"}")).contains("Not Found");
    }

    @Test
    void shouldQuoteTheStartOfAnyOtherBody() {
        assertThat(HttpFailures.serverMessage("upstream connect error\n or disconnect")).contains(
                "upstream connect error or disconnect");
        assertThat(HttpFailures.serverMessage("  ")).isEmpty();
        assertThat(HttpFailures.serverMessage(null)).isEmpty();
    }

    // ---- below HTTP and mid-stream ----

    @Test
    void shouldLetTheCallerRetryConnectionFailuresAndTimeouts() {
        assertThat(HttpFailures.transport("r1", ENDPOINT, new ConnectException("refused")))
                .hasMessageContaining("connection refused")
                .satisfies(failure -> assertThat(failure.retryable()).isTrue());
        assertThat(HttpFailures.transport("r1", ENDPOINT, new HttpConnectTimeoutException("slow")))
                .hasMessageContaining("connecting timed out")
                .satisfies(failure -> assertThat(failure.retryable()).isTrue());
        assertThat(HttpFailures.transport("r1", ENDPOINT, new HttpTimeoutException("slow")))
                .hasMessageContaining("no response headers in time")
                .satisfies(failure -> assertThat(failure.retryable()).isTrue());
        assertThat(HttpFailures.transport("r1", ENDPOINT, new IOException("connection reset")))
                .hasMessageContaining("connection failed (IOException: connection reset)")
                .satisfies(failure -> assertThat(failure.retryable()).isTrue());
    }

    @Test
    void shouldNotLetTheCallerRetryAFailureThatIsNotAboutTheConnection() {
        GenerationException failure = HttpFailures.transport("r1", ENDPOINT, new IllegalStateException("bug"));

        assertThat(failure.retryable()).isFalse();
        assertThat(failure).hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldReadAnErrorTheServerSentAfterItsStatusAsAFaultUnlessItSaysTheRequestCannotBeServed() {
        StreamChunk.ServerError overflow = new StreamChunk.ServerError("the request exceeds the available context size",
                "", "exceed_context_size_error");
        assertThat(HttpFailures.serverError("r1", ENDPOINT, "stream carried an error", overflow))
                .isInstanceOf(PromptTooLongException.class)
                .hasMessage("request r1: " + ENDPOINT + " stream carried an error: the request exceeds the available"
                        + " context size");
        assertThat(HttpFailures.serverError("r1", ENDPOINT, "x", new StreamChunk.ServerError("`temperature` must be"
                + " strictly positive", "", "validation")).retryable()).isFalse();
        // vLLM names its own faults mid-stream BadRequestError (400): retried like any other
        assertThat(HttpFailures.serverError("r1", ENDPOINT, "x", new StreamChunk.ServerError("CUDA out of memory",
                "", "BadRequestError")).retryable()).isTrue();
        assertThat(HttpFailures.serverError("r1", ENDPOINT, "x", StreamChunk.ServerError.text("worker died"))
                .retryable()).isTrue();
    }

    @Test
    void shouldLetTheCallerRetryABrokenStream() {
        GenerationException failure = HttpFailures.stream("r1", ENDPOINT, "ended before the server finished");

        assertThat(failure.retryable()).isTrue();
        assertThat(failure).hasMessage("request r1: " + ENDPOINT + " stream ended before the server finished");
    }
}
