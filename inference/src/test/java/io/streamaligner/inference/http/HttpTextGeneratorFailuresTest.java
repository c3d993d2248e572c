package io.streamaligner.inference.http;

import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.PromptTooLongException;
import io.streamaligner.inference.SamplingParams;
import io.streamaligner.inference.StopCondition;
import io.streamaligner.inference.http.HttpTestSupport.RecordingListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.streamaligner.inference.http.HttpTestSupport.CONTINUED;
import static io.streamaligner.inference.http.HttpTestSupport.RENDERED;
import static io.streamaligner.inference.http.HttpTestSupport.chatRequest;
import static io.streamaligner.inference.http.HttpTestSupport.failureOf;
import static io.streamaligner.inference.http.HttpTestSupport.settings;
import static io.streamaligner.inference.http.LocalOpenAiServer.status;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link HttpTextGenerator} classifies what goes wrong on a real local server: whether a retry may help, and how
 * long the server asked to wait.
 */
class HttpTextGeneratorFailuresTest {

    private static final String ROLE_CHUNK = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
            + "\"finish_reason\":null}]}\n\n";
    private static final String CONTENT_CHUNK = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Seven plus fi\"},\"finish_reason\":null}]}\n\n";
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration LONG = Duration.ofSeconds(30);

    private final LocalOpenAiServer server = LocalOpenAiServer.start();

    @AfterEach
    void stopServer() {
        server.close();
    }

    private GenerationException failureAgainst(LocalOpenAiServer.Responder responder) throws Exception {
        return failureAgainst(responder, settings(server, ServerKind.VLLM, ApiKind.CHAT));
    }

    private GenerationException failureAgainst(LocalOpenAiServer.Responder responder, HttpModelSettings settings)
            throws Exception {
        server.answering(responder);
        try (HttpTextGenerator generator = HttpTextGenerator.open(settings)) {
            return failureOf(generator.submit(chatRequest("r1"), new RecordingListener()));
        }
    }

    /** The failure a call against this responder ends with, which must be a {@link PromptTooLongException}. */
    private PromptTooLongException promptTooLongAgainst(LocalOpenAiServer.Responder responder, ServerKind kind)
            throws Exception {
        server.answering(responder);
        try (HttpTextGenerator generator = HttpTextGenerator.open(settings(server, kind, ApiKind.CHAT))) {
            generator.submit(chatRequest("r1"), new RecordingListener()).completion()
                    .get(HttpTestSupport.WAIT_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("expected the call to fail");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(PromptTooLongException.class);
            return (PromptTooLongException) e.getCause();
        }
    }

    // ---- HTTP statuses ----

    @Test
    void shouldFailRetryablyOnAServerError() throws Exception {
        GenerationException failure = failureAgainst(status(500, Map.of(), "Internal Server Error"));

        assertThat(failure.retryable()).isTrue();
        assertThat(failure.retryAfter()).isEmpty();
        assertThat(failure).hasMessageContaining("HTTP 500").hasMessageContaining("r1");
    }

    @Test
    void shouldFailRetryablyAfterTheServersWaitWhenRateLimited() throws Exception {
        GenerationException failure = failureAgainst(status(429, Map.of("Retry-After", "2",
                "Content-Type", "application/json"), "{\"error\":{\"message\":\"Rate limit reached\"}}"));

        assertThat(failure.retryable()).isTrue();
        assertThat(failure.retryAfter()).contains(Duration.ofSeconds(2));
        assertThat(failure).hasMessageContaining("HTTP 429");
    }

    @Test
    void shouldFailForGoodOnABadRequestQuotingTheServersMessage() throws Exception {
        String error = "{\"error\":{\"message\":\"temperature must be at most 2\",\"type\":\"invalid_request_error\","
                + "\"param\":\"temperature\"}}";

        GenerationException failure = failureAgainst(status(400, Map.of("Content-Type", "application/json"), error));

        assertThat(failure.retryable()).isFalse();
        assertThat(failure).hasMessageContaining("HTTP 400").hasMessageContaining("temperature must be at most 2");
    }

    @Test
    void shouldFailWithPromptTooLongWhenTheServerSaysTheContextIsExceeded() throws Exception {
        String error = "{\"error\":{\"message\":\"This model's maximum context length is 4096 tokens. However, you"
                + " requested 5000 tokens.\",\"type\":\"invalid_request_error\",\"param\":\"messages\","
                + "\"code\":\"context_length_exceeded\"}}";
        assertThat(promptTooLongAgainst(status(400, Map.of("Content-Type", "application/json"), error), ServerKind.VLLM))
                .hasMessageContaining("HTTP 400").hasMessageContaining("This model's maximum context length is 4096 tokens");
    }

    @Test
    void shouldFailWithPromptTooLongWhenTgiSaysTheContextIsExceeded() throws Exception {
        // TGI answers validation errors 422, the context overflow worded its own way
        String error = "{\"error\":\"Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given:"
                + " 4000 `inputs` tokens and 200 `max_new_tokens`\",\"error_type\":\"validation\"}";
        assertThat(promptTooLongAgainst(status(422, Map.of("Content-Type", "application/json"), error), ServerKind.TGI))
                .hasMessageContaining("HTTP 422");
    }

    @Test
    void shouldFailForGoodWhenTheKeyIsRejected() throws Exception {
        GenerationException failure = failureAgainst(status(401, Map.of("Content-Type", "application/json"),
                "{\"error\":{\"message\":\"Invalid API key\",\"type\":\"invalid_request_error\"}}"));

        assertThat(failure.retryable()).isFalse();
        assertThat(failure).hasMessageContaining("HTTP 401").hasMessageContaining("API key");
    }

    @Test
    void shouldFailForGoodWhenTheServerDoesNotStream() throws Exception {
        GenerationException failure = failureAgainst(status(200, Map.of("Content-Type", "application/json"),
                "{\"id\":\"chatcmpl-1\",\"choices\":[{\"message\":{\"content\":\"12\"}}]}"));

        assertThat(failure.retryable()).isFalse();
        assertThat(failure).hasMessageContaining("not an event stream");
    }

    // ---- broken streams ----

    @Test
    void shouldFailRetryablyOnAChunkThatIsNotJson() throws Exception {
        GenerationException failure = failureAgainst(server.stream(ROLE_CHUNK
                + "data: <html><body>502 Bad Gateway</body></html>\n\n"));

        assertThat(failure.retryable()).isTrue();
        assertThat(failure).hasMessageContaining("malformed").hasMessageContaining("502 Bad Gateway");
    }

    @Test
    void shouldFailRetryablyOnAnErrorEventInTheStream() throws Exception {
        GenerationException failure = failureAgainst(server.stream(ROLE_CHUNK
                + "data: {\"error\":{\"message\":\"CUDA out of memory\",\"type\":\"InternalServerError\",\"code\":500}}"
                + "\n\n"));

        assertThat(failure.retryable()).isTrue();
        assertThat(failure).hasMessageContaining("CUDA out of memory");
    }

    @Test
    void shouldReadLlamaCppsErrorFieldMidStreamAsAPromptTooLongWhenItsTypeSaysSo() throws Exception {
        // llama-server writes a failure as an `error:` line (not `data:`), then [DONE]
        LocalOpenAiServer.Responder stream = server.stream(ROLE_CHUNK + "error: {\"code\":400,\"message\":\"the request"
                + " exceeds the available context size, try increasing it\",\"type\":\"exceed_context_size_error\"}\n\n"
                + "data: [DONE]\n\n");

        assertThat(promptTooLongAgainst(stream, ServerKind.LLAMACPP))
                .hasMessageContaining("stream carried an error: the request exceeds the available context size");
    }

    @Test
    void shouldFailRetryablyOnAnEventNamedErrorWhateverStatusItNames() throws Exception {
        // the bare error object as an `event: error` block's data: read as an error only by the event's type
        GenerationException failure = failureAgainst(server.stream(ROLE_CHUNK + CONTENT_CHUNK
                + "event: error\ndata: {\"message\":\"EngineDeadError: the engine loop has died\",\"code\":400}\n\n"));

        assertThat(failure.retryable()).isTrue();
        assertThat(failure).hasMessageContaining("stream carried an error: EngineDeadError");
    }

    @Test
    void shouldKeepAFinishedAnswerWhenAnErrorEventComesAfterItsFinish() throws Exception {
        String finish = "data: {\"id\":\"1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ve.\"},"
                + "\"finish_reason\":\"stop\"}]}\n\n";
        server.answering(server.stream(ROLE_CHUNK + CONTENT_CHUNK + finish + "event: error\ndata: {\"message\":\"late\"}\n\n"));

        try (HttpTextGenerator generator = HttpTextGenerator.open(settings(server, ServerKind.VLLM, ApiKind.CHAT))) {
            assertThat(generator.submit(chatRequest("r1"), new RecordingListener()).completion()
                    .get(HttpTestSupport.WAIT_SECONDS, TimeUnit.SECONDS).text()).isEqualTo("Seven plus five.");
        }
    }

    @Test
    void shouldFailRetryablyWhenTheServerGoesSilentPastTheChunkTimeout() throws Exception {
        HttpModelSettings settings = settings(server, ServerKind.VLLM, ApiKind.CHAT)
                .withTimeouts(LONG, LONG, SHORT);

        GenerationException failure = failureAgainst(server.streamThenSilence(ROLE_CHUNK + CONTENT_CHUNK), settings);

        assertThat(failure.retryable()).isTrue();
        assertThat(failure).hasMessageContaining("chunk timeout of 300 ms");
    }

    @Test
    void shouldFailRetryablyWhenTheServerSendsNothingWithinTheFirstByteTimeout() throws Exception {
        HttpModelSettings settings = settings(server, ServerKind.VLLM, ApiKind.CHAT)
                .withTimeouts(LONG, SHORT, LONG);

        GenerationException failure = failureAgainst(server.silence(), settings);

        assertThat(failure.retryable()).isTrue();
        assertThat(failure).hasMessageContaining("first-byte timeout of 300 ms");
    }

    @Test
    void shouldFailRetryablyWhenTheServerDropsTheConnectionMidStream() throws Exception {
        GenerationException failure = failureAgainst(server.streamThenDie(ROLE_CHUNK + CONTENT_CHUNK));

        assertThat(failure.retryable()).isTrue();
        assertThat(failure).hasMessageContaining("connection failed");
    }

    @Test
    void shouldFailRetryablyWhenTheStreamEndsBeforeTheServerFinished() throws Exception {
        GenerationException failure = failureAgainst(server.stream(ROLE_CHUNK + CONTENT_CHUNK));

        assertThat(failure.retryable()).isTrue();
        assertThat(failure).hasMessageContaining("ended before the server finished");
    }

    @Test
    void shouldFailRetryablyWhenTheStreamEndsWithDoneButNoFinish() throws Exception {
        GenerationException failure = failureAgainst(server.stream(ROLE_CHUNK + CONTENT_CHUNK + "data: [DONE]\n\n"));

        assertThat(failure.retryable()).isTrue();
        assertThat(failure).hasMessageContaining("[DONE] but no finish_reason");
    }

    @Test
    void shouldFailRetryablyWhenTheServerAbortsTheGeneration() throws Exception {
        String abort = "data: {\"id\":\"1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},"
                + "\"finish_reason\":\"abort\",\"matched_stop\":null}]}\n\n";

        GenerationException failure = failureAgainst(server.stream(ROLE_CHUNK + abort));

        assertThat(failure.retryable()).isTrue();
        assertThat(failure).hasMessageContaining("aborted");
    }

    @Test
    void shouldFailForGoodWhenTheListenerThrows() throws Exception {
        server.answering(server.replay("vllm-chat.txt"));
        try (HttpTextGenerator generator = HttpTextGenerator.open(settings(server, ServerKind.VLLM, ApiKind.CHAT))) {
            GenerationException failure = failureOf(generator.submit(chatRequest("r1"), (id, delta) -> {
                throw new IllegalStateException("listener broke");
            }));

            assertThat(failure.retryable()).isFalse();
            assertThat(failure).hasMessageContaining("listener broke");
        }
    }

    // ---- requests refused before sending ----

    @Test
    void shouldFailWithoutSendingASamplingParameterTheServerDoesNotTake() throws Exception {
        CompletionRequest topK = new CompletionRequest("r1", RENDERED, new SamplingParams(0.7, 40, 1, 0, 1, 7), 64,
                StopCondition.NEVER).withChat(CONTINUED);

        try (HttpTextGenerator generator = HttpTextGenerator.open(settings(server, ServerKind.TGI, ApiKind.CHAT))) {
            GenerationException failure = failureOf(generator.submit(topK, new RecordingListener()));

            assertThat(failure.retryable()).isFalse();
            assertThat(failure).hasMessageContaining("top_k").hasMessageContaining("tgi");
        }
        assertThat(server.completionRequests()).isEmpty();
    }

    @Test
    void shouldFailWithoutSendingAChatRequestThatHasNoTurns() throws Exception {
        try (HttpTextGenerator generator = HttpTextGenerator.open(settings(server, ServerKind.VLLM, ApiKind.CHAT))) {
            GenerationException failure = failureOf(generator.submit(HttpTestSupport.textRequest("r1"),
                    new RecordingListener()));

            assertThat(failure.retryable()).isFalse();
            assertThat(failure).hasMessageContaining("chat turns");
        }
        assertThat(server.completionRequests()).isEmpty();
    }

    @Test
    void shouldFailWithoutSendingAContinuationToOpenAi() throws Exception {
        try (HttpTextGenerator generator = HttpTextGenerator.open(settings(server, ServerKind.OPENAI,
                ApiKind.CHAT))) {
            GenerationException failure = failureOf(generator.submit(chatRequest("r1"), new RecordingListener()));

            assertThat(failure.retryable()).isFalse();
            assertThat(failure).hasMessageContaining("cannot continue a partial assistant message");
        }
        assertThat(server.completionRequests()).isEmpty();
    }
}
