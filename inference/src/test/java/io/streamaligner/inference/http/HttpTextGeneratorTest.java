package io.streamaligner.inference.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamaligner.inference.ChatTurns;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.Generation;
import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.SamplingParams;
import io.streamaligner.inference.StopCondition;
import io.streamaligner.inference.template.TemplateArguments;
import io.streamaligner.inference.http.HttpTestSupport.RecordingListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.streamaligner.inference.http.HttpTestSupport.CONTINUED;
import static io.streamaligner.inference.http.HttpTestSupport.END_OF_ANSWER;
import static io.streamaligner.inference.http.HttpTestSupport.RENDERED;
import static io.streamaligner.inference.http.HttpTestSupport.WAIT_SECONDS;
import static io.streamaligner.inference.http.HttpTestSupport.chatRequest;
import static io.streamaligner.inference.http.HttpTestSupport.completionOf;
import static io.streamaligner.inference.http.HttpTestSupport.failureOf;
import static io.streamaligner.inference.http.HttpTestSupport.settings;
import static io.streamaligner.inference.http.HttpTestSupport.textRequest;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HttpTextGenerator} against a real HTTP server on loopback replaying streams recorded in the shapes vLLM,
 * SGLang, llama.cpp, TGI, OpenAI and a generic server send, written in small flushed pieces that cut multi-byte
 * characters in two.
 */
class HttpTextGeneratorTest {

    private final LocalOpenAiServer server = LocalOpenAiServer.start();

    @AfterEach
    void stopServer() {
        server.close();
    }

    /** A recorded stream, how to ask for it, and what the generator must make of it. */
    record Recorded(String fixture, ServerKind kind, ApiKind api, boolean endOfAnswerToken, String text,
                    FinishReason finishReason, int promptTokens, int generatedTokens) {

        @Override
        public String toString() {
            return fixture;
        }
    }

    static Stream<Recorded> recordedStreams() {
        return Stream.of(
                new Recorded("vllm-chat.txt", ServerKind.VLLM, ApiKind.CHAT, false,
                        "A café in 東京 costs ¥500 😀.", FinishReason.EOS, 27, 13),
                new Recorded("vllm-chat-end-of-answer.txt", ServerKind.VLLM, ApiKind.CHAT, true,
                        " So 7 + 5 = 12. The answer is 12.", FinishReason.END_OF_ANSWER, 41, 13),
                new Recorded("vllm-completions-length.txt", ServerKind.VLLM, ApiKind.COMPLETIONS, false,
                        " Zürich is not the capital of Switzerland", FinishReason.LENGTH, 12, 8),
                // matched_stop is the EOS token's id here, not the end-of-answer string
                new Recorded("sglang-chat.txt", ServerKind.SGLANG, ApiKind.CHAT, true,
                        "東京は日本の首都です。", FinishReason.EOS, 22, 8),
                new Recorded("sglang-chat-end-of-answer.txt", ServerKind.SGLANG, ApiKind.CHAT, true,
                        " Therefore x = 4.", FinishReason.END_OF_ANSWER, 35, 6),
                new Recorded("llamacpp-chat.txt", ServerKind.LLAMACPP, ApiKind.CHAT, false,
                        "Я люблю кофе ☕ и crème brûlée.", FinishReason.EOS, 19, 10),
                new Recorded("tgi-chat-eos.txt", ServerKind.TGI, ApiKind.CHAT, true,
                        "Hello, wörld! 👋🏽", FinishReason.EOS, 31, 6),
                // the token itself ends the text, before the usage chunk: the chunk count stands in for the usage
                new Recorded("tgi-chat-stop-sequence.txt", ServerKind.TGI, ApiKind.CHAT, true,
                        "The sum is 12.", FinishReason.END_OF_ANSWER, 0, 7),
                new Recorded("openai-chat.txt", ServerKind.OPENAI, ApiKind.CHAT, false,
                        "Un café crème, s'il vous plaît 🙏", FinishReason.EOS, 19, 10),
                new Recorded("generic-chat-crlf.txt", ServerKind.GENERIC, ApiKind.CHAT, false,
                        "Grüß Gott aus Wien!", FinishReason.EOS, 26, 6),
                // no usage chunk: the [DONE] that no blank line follows ends it
                new Recorded("generic-chat-done-without-blank-line.txt", ServerKind.GENERIC, ApiKind.CHAT, false,
                        "Ein Weißbier, bitte.", FinishReason.EOS, 0, 5));
    }

    private Completion replay(Recorded recorded, RecordingListener listener) throws Exception {
        server.answering(server.replay(recorded.fixture()));
        HttpModelSettings settings = settings(server, recorded.kind(), recorded.api());
        if (recorded.endOfAnswerToken()) {
            settings = settings.withEndOfAnswerToken(END_OF_ANSWER);
        }
        CompletionRequest request;
        if (recorded.api() == ApiKind.COMPLETIONS) {
            request = textRequest("r1");
        } else if (recorded.kind() == ServerKind.OPENAI) {
            request = chatRequest("r1", ChatTurns.user("Order a coffee in French."), StopCondition.NEVER);
        } else {
            request = chatRequest("r1");
        }
        try (HttpTextGenerator generator = HttpTextGenerator.open(settings)) {
            return completionOf(generator.submit(request, listener));
        }
    }

    // ---- recorded streams ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordedStreams")
    void shouldAssembleTheTextOfEachRecordedStream(Recorded recorded) throws Exception {
        Completion completion = replay(recorded, new RecordingListener());

        assertThat(completion.id()).isEqualTo("r1");
        assertThat(completion.text()).isEqualTo(recorded.text());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordedStreams")
    void shouldHandTheListenerDeltasThatAddUpToTheText(Recorded recorded) throws Exception {
        RecordingListener listener = new RecordingListener();

        Completion completion = replay(recorded, listener);

        assertThat(listener.text()).isEqualTo(completion.text());
        assertThat(listener.deltas()).doesNotContain("");
        assertThat(listener.requestIds()).containsOnly("r1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordedStreams")
    void shouldReportTheFinishReasonOfEachRecordedStream(Recorded recorded) throws Exception {
        Completion completion = replay(recorded, new RecordingListener());

        assertThat(completion.finishReason()).isEqualTo(recorded.finishReason());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordedStreams")
    void shouldTakeTheTokenCountsFromTheUsageChunk(Recorded recorded) throws Exception {
        Completion completion = replay(recorded, new RecordingListener());

        assertThat(completion.promptTokens()).isEqualTo(recorded.promptTokens());
        assertThat(completion.generatedTokens()).isEqualTo(recorded.generatedTokens());
    }

    @Test
    void shouldDecodeCharactersWhoseBytesArriveInSeparateFlushes() throws Exception {
        Recorded vllm = recordedStreams().filter(recorded -> recorded.fixture().equals("vllm-chat.txt")).findFirst()
                .orElseThrow();

        Completion completion = replay(vllm, new RecordingListener());

        assertThat(server.midCharacterFlushes()).isPositive();
        assertThat(completion.text()).isEqualTo("A café in 東京 costs ¥500 😀.").doesNotContain("\uFFFD");
    }

    @Test
    void shouldNeverHandTheListenerPiecesOfAnEndOfAnswerTokenSplitAcrossChunks() throws Exception {
        Recorded tgi = recordedStreams().filter(recorded -> recorded.fixture().equals("tgi-chat-stop-sequence.txt"))
                .findFirst().orElseThrow();
        RecordingListener listener = new RecordingListener();

        replay(tgi, listener);

        assertThat(listener.deltas()).noneMatch(delta -> delta.contains("<|") || delta.contains("_answer"));
        assertThat(listener.text()).isEqualTo("The sum is 12.");
    }

    @Test
    void shouldReportLengthWhenTheServerHitsMaxTokens() throws Exception {
        Recorded length = recordedStreams()
                .filter(recorded -> recorded.fixture().equals("vllm-completions-length.txt")).findFirst()
                .orElseThrow();

        assertThat(replay(length, new RecordingListener()).finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void shouldCompleteWhenTheBodyEndsAfterTheFinishWithoutDone() throws Exception {
        server.answering(server.stream("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Grüß\"},"
                + "\"finish_reason\":null}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" Gott\"},"
                + "\"finish_reason\":\"stop\"}]}\n\n"));

        try (HttpTextGenerator generator = HttpTextGenerator.open(settings(server, ServerKind.GENERIC,
                ApiKind.CHAT))) {
            Completion completion = completionOf(generator.submit(chatRequest("r1"), new RecordingListener()));

            assertThat(completion.text()).isEqualTo("Grüß Gott");
            assertThat(completion.finishReason()).isEqualTo(FinishReason.EOS);
        }
    }

    /** Until the generator has read its streams to their end (a safety net of seconds, not a measurement). */
    private static void awaitIdle(HttpTextGenerator generator) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (generator.inFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    @Test
    void shouldReuseTheConnectionAfterTheServerFinishedItsStream() throws Exception {
        server.answering(server.stream("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Done.\"},"
                + "\"finish_reason\":\"stop\"}]}\n\n"
                + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}\n\n"
                + "data: [DONE]\n\n"));

        try (HttpTextGenerator generator = HttpTextGenerator.open(settings(server, ServerKind.GENERIC,
                ApiKind.CHAT))) {
            for (String id : List.of("r1", "r2", "r3")) {
                assertThat(completionOf(generator.submit(chatRequest(id), new RecordingListener())).text())
                        .isEqualTo("Done.");
                // the completion comes with the usage chunk; the body's end ([DONE], the last chunk) follows at once
                awaitIdle(generator);
            }
        }

        // read to its end, a finished stream leaves its connection to the next request (a cut one closes it)
        assertThat(server.completionRequests()).hasSize(3)
                .extracting(LocalOpenAiServer.Received::clientPort).containsOnly(
                        server.completionRequests().get(0).clientPort());
    }

    @Test
    void shouldSendToAHostNameAsToAnAddress() throws Exception {
        server.answering(server.stream("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Done.\"},"
                + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"));
        URI named = URI.create(server.baseUrl().toString().replace("127.0.0.1", "localhost"));

        // a host name is resolved on a thread of the generator's (a lookup may wait), an address on the caller's
        try (HttpTextGenerator generator = HttpTextGenerator.open(HttpModelSettings.defaults(named)
                .withServer(ServerKind.GENERIC).withApi(ApiKind.CHAT))) {
            assertThat(completionOf(generator.submit(chatRequest("r1"), new RecordingListener())).text())
                    .isEqualTo("Done.");
        }
        assertThat(server.completionRequests()).hasSize(1);
    }

    @Test
    void shouldTellAddressLiteralsFromHostNames() {
        assertThat(HttpTextGenerator.isAddressLiteral("127.0.0.1")).isTrue();
        assertThat(HttpTextGenerator.isAddressLiteral("10.20.30.40")).isTrue();
        assertThat(HttpTextGenerator.isAddressLiteral("[::1]")).isTrue();
        assertThat(HttpTextGenerator.isAddressLiteral("localhost")).isFalse();
        assertThat(HttpTextGenerator.isAddressLiteral("vllm.internal")).isFalse();
        assertThat(HttpTextGenerator.isAddressLiteral("1.2.3.example.com")).isFalse();
        assertThat(HttpTextGenerator.isAddressLiteral(null)).isFalse();
        // why four numbers are enough: an out-of-range address is no host to a URI, and the settings refuse it
        assertThat(URI.create("http://999.1.1.1:8000/v1").getHost()).isNull();
    }

    @Test
    void shouldStopWhereTheStopConditionCutsAndCloseTheConnection() throws Exception {
        server.answering(server.replayUntilClientLeaves("vllm-chat-end-of-answer.txt", "\"finish_reason\":\"stop\""));
        StopCondition firstSentence = text -> {
            int end = text.indexOf(". ");
            return end < 0 ? StopCondition.NO_STOP : end + 1;
        };
        RecordingListener listener = new RecordingListener();

        try (HttpTextGenerator generator = HttpTextGenerator.open(settings(server, ServerKind.VLLM, ApiKind.CHAT))) {
            Completion completion = completionOf(generator.submit(chatRequest("r1", CONTINUED, firstSentence),
                    listener));

            assertThat(completion.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(completion.text()).isEqualTo(" So 7 + 5 = 12.");
            assertThat(listener.text()).isEqualTo(completion.text());
            server.onlyCompletionRequest().clientGone().get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldCountTheChunksAsGeneratedTokensWhenAStopCutComesBeforeTheUsage() throws Exception {
        server.answering(server.replayUntilClientLeaves("vllm-chat-end-of-answer.txt", "\"finish_reason\":\"stop\""));
        StopCondition atEquals = text -> text.contains("=") ? text.indexOf('=') : StopCondition.NO_STOP;

        try (HttpTextGenerator generator = HttpTextGenerator.open(settings(server, ServerKind.VLLM, ApiKind.CHAT))) {
            Completion completion = completionOf(generator.submit(chatRequest("r1", CONTINUED, atEquals),
                    new RecordingListener()));

            assertThat(completion.text()).isEqualTo(" So 7 + 5 ");
            assertThat(completion.promptTokens()).isZero();
            assertThat(completion.generatedTokens()).isEqualTo(5); // " So", " 7", " +", " 5", " ="
        }
    }

    // ---- cancelling and closing ----

    @Test
    void shouldFailTheCompletionAndCloseTheConnectionWhenCancelled() throws Exception {
        server.answering(server.replayUntilClientLeaves("vllm-chat.txt", "\"finish_reason\":\"stop\""));
        RecordingListener listener = new RecordingListener();

        try (HttpTextGenerator generator = HttpTextGenerator.open(settings(server, ServerKind.VLLM, ApiKind.CHAT))) {
            Generation generation = generator.submit(chatRequest("r1"), listener);
            listener.awaitFirstDelta();

            generation.cancel();

            assertThat(failureOf(generation)).hasMessageContaining("r1").hasMessageContaining("cancelled");
            server.onlyCompletionRequest().clientGone().get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(generator.inFlight()).isZero();
        }
    }

    @Test
    void shouldFailInFlightRequestsWhenClosed() throws Exception {
        server.answering(server.replayUntilClientLeaves("vllm-chat.txt", "\"finish_reason\":\"stop\""));
        RecordingListener listener = new RecordingListener();
        HttpTextGenerator generator = HttpTextGenerator.open(settings(server, ServerKind.VLLM, ApiKind.CHAT));
        Generation generation = generator.submit(chatRequest("r1"), listener);
        listener.awaitFirstDelta();

        generator.close();

        GenerationException failure = failureOf(generation);
        assertThat(failure).hasMessageContaining("closed");
        assertThat(failure.retryable()).isFalse();
        assertThat(generator.inFlight()).isZero();
    }

    @Test
    void shouldFailRequestsSubmittedAfterClose() throws Exception {
        HttpTextGenerator generator = HttpTextGenerator.open(settings(server, ServerKind.VLLM, ApiKind.CHAT));
        generator.close();

        assertThat(failureOf(generator.submit(chatRequest("r1"), new RecordingListener())))
                .hasMessageContaining("closed");
        assertThat(server.completionRequests()).isEmpty();
    }

    // ---- request bodies ----

    private JsonNode bodySentFor(HttpModelSettings settings, CompletionRequest request) throws Exception {
        server.answering(server.replay(settings.api() == ApiKind.CHAT ? "vllm-chat.txt"
                : "vllm-completions-length.txt"));
        try (HttpTextGenerator generator = HttpTextGenerator.open(settings)) {
            completionOf(generator.submit(request, new RecordingListener()));
        }
        return server.onlyCompletionRequest().json();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void shouldPostTheTurnsSystemUserAndAssistantPrefix() throws Exception {
        JsonNode body = bodySentFor(settings(server, ServerKind.VLLM, ApiKind.CHAT), chatRequest("r1"));

        JsonNode messages = body.get("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).get("role").asText()).isEqualTo("system");
        assertThat(messages.get(0).get("content").asText()).isEqualTo("You are a careful tutor.");
        assertThat(messages.get(1).get("role").asText()).isEqualTo("user");
        assertThat(messages.get(1).get("content").asText()).isEqualTo("What is 7 + 5?");
        assertThat(messages.get(2).get("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(2).get("content").asText()).isEqualTo("Let me add.");
        assertThat(server.onlyCompletionRequest().path()).isEqualTo("/v1/chat/completions");
    }

    @Test
    void shouldPostOnlyTheUserTurnWhenThereIsNoSystemPromptOrPrefix() throws Exception {
        JsonNode body = bodySentFor(settings(server, ServerKind.VLLM, ApiKind.CHAT),
                chatRequest("r1", ChatTurns.user("What is 7 + 5?"), StopCondition.NEVER));

        assertThat(body.get("messages")).hasSize(1);
        assertThat(body.get("messages").get(0).get("role").asText()).isEqualTo("user");
    }

    @Test
    void shouldAskVllmToContinueTheFinalMessageWithoutAGenerationPrompt() throws Exception {
        JsonNode body = bodySentFor(settings(server, ServerKind.VLLM, ApiKind.CHAT), chatRequest("r1"));

        assertThat(body.get("continue_final_message").asBoolean()).isTrue();
        assertThat(body.get("add_generation_prompt").asBoolean()).isFalse();
    }

    @Test
    void shouldAskVllmForAGenerationPromptWhenThereIsNoPrefix() throws Exception {
        JsonNode body = bodySentFor(settings(server, ServerKind.VLLM, ApiKind.CHAT),
                chatRequest("r1", ChatTurns.user("What is 7 + 5?"), StopCondition.NEVER));

        assertThat(body.get("add_generation_prompt").asBoolean()).isTrue();
        assertThat(body.has("continue_final_message")).isFalse();
    }

    // ---- answered whole: a caller that takes no pieces and cuts nothing ----

    private static final String WHOLE_CHAT = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\" So 7 + 5 = 12.\"},\"finish_reason\":\"stop\","
            + "\"stop_reason\":null}],\"usage\":{\"prompt_tokens\":27,\"completion_tokens\":9,\"total_tokens\":36}}";

    private Completion answeredWhole(HttpModelSettings settings, CompletionRequest request, String body) throws Exception {
        server.answering(LocalOpenAiServer.status(200, Map.of("Content-Type", "application/json"), body));
        try (HttpTextGenerator generator = HttpTextGenerator.open(settings)) {
            return completionOf(generator.submit(request, DeltaListener.NONE));
        }
    }

    @Test
    void shouldAskForTheTextWholeWhenTheCallerTakesNoPiecesAndCutsNothing() throws Exception {
        Completion completion = answeredWhole(settings(server, ServerKind.VLLM, ApiKind.CHAT), chatRequest("r1"),
                WHOLE_CHAT);

        assertThat(completion.text()).isEqualTo(" So 7 + 5 = 12.");
        assertThat(completion.finishReason()).isEqualTo(FinishReason.EOS);
        assertThat(completion.promptTokens()).isEqualTo(27);
        assertThat(completion.generatedTokens()).isEqualTo(9);
        LocalOpenAiServer.Received sent = server.onlyCompletionRequest();
        assertThat(sent.json().get("stream").asBoolean()).isFalse();
        assertThat(sent.json().has("stream_options")).as("vLLM refuses stream_options without streaming").isFalse();
        assertThat(sent.header("Accept")).contains("application/json");
    }

    @Test
    void shouldCutAWholeTextAtTheEndOfAnswerTokenTheServerLeftIn() throws Exception {
        String body = WHOLE_CHAT.replace(" So 7 + 5 = 12.", " So 7 + 5 = 12." + END_OF_ANSWER + " More.");

        Completion completion = answeredWhole(settings(server, ServerKind.GENERIC, ApiKind.CHAT)
                .withEndOfAnswerToken(END_OF_ANSWER), chatRequest("r1"), body);

        assertThat(completion.text()).isEqualTo(" So 7 + 5 = 12.");
        assertThat(completion.finishReason()).isEqualTo(FinishReason.END_OF_ANSWER);
    }

    @Test
    void shouldReadAWholeCompletionsAnswerAndItsLengthFinish() throws Exception {
        String body = "{\"choices\":[{\"index\":0,\"text\":\" Zürich is\",\"finish_reason\":\"length\"}],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":8}}";

        Completion completion = answeredWhole(settings(server, ServerKind.VLLM, ApiKind.COMPLETIONS), textRequest("r1"),
                body);

        assertThat(completion.text()).isEqualTo(" Zürich is");
        assertThat(completion.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void shouldFailAWholeAnswerWithoutAFinishReasonOrNotJson() throws Exception {
        server.answering(LocalOpenAiServer.status(200, Map.of("Content-Type", "application/json"),
                WHOLE_CHAT.replace("\"finish_reason\":\"stop\",", "")));
        try (HttpTextGenerator generator = HttpTextGenerator.open(settings(server, ServerKind.VLLM, ApiKind.CHAT))) {
            assertThat(failureOf(generator.submit(chatRequest("r1"), DeltaListener.NONE))
                    .getMessage()).contains("without a finish_reason");
        }
        server.answering(LocalOpenAiServer.status(200, Map.of("Content-Type", "text/html"), "<html>hi</html>"));
        try (HttpTextGenerator generator = HttpTextGenerator.open(settings(server, ServerKind.VLLM, ApiKind.CHAT))) {
            GenerationException failure = failureOf(generator.submit(chatRequest("r2"),
                    DeltaListener.NONE));
            assertThat(failure.getMessage()).contains("not JSON");
            assertThat(failure.retryable()).isTrue();
        }
    }

    @Test
    void shouldStreamWhenTheCallerCutsTheTextEvenIfItTakesNoPieces() throws Exception {
        server.answering(server.replay("vllm-chat.txt"));
        try (HttpTextGenerator generator = HttpTextGenerator.open(settings(server, ServerKind.VLLM, ApiKind.CHAT))) {
            completionOf(generator.submit(chatRequest("r1", CONTINUED, text -> StopCondition.NO_STOP),
                    DeltaListener.NONE));
        }

        assertThat(server.onlyCompletionRequest().json().get("stream").asBoolean()).isTrue();
    }

    @Test
    void shouldStreamWithUsageAndTheLengthCap() throws Exception {
        JsonNode body = bodySentFor(settings(server, ServerKind.VLLM, ApiKind.CHAT), chatRequest("r1"));

        assertThat(body.get("model").asText()).isEqualTo(LocalOpenAiServer.MODEL);
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.get("stream_options").get("include_usage").asBoolean()).isTrue();
        assertThat(body.get("max_tokens").asInt()).isEqualTo(64);
        assertThat(body.get("temperature").asDouble()).isZero();
    }

    @Test
    void shouldSendVllmItsExtraSamplingFieldsTurnedOff() throws Exception {
        JsonNode body = bodySentFor(settings(server, ServerKind.VLLM, ApiKind.CHAT), chatRequest("r1"));

        assertThat(body.get("top_p").asDouble()).isEqualTo(1.0);
        assertThat(body.get("top_k").asInt()).isEqualTo(-1);
        assertThat(body.get("repetition_penalty").asDouble()).isEqualTo(1.0);
        assertThat(body.get("min_p").asDouble()).isZero();
        assertThat(body.has("seed")).as("no seed for greedy decoding").isFalse();
    }

    @Test
    void shouldSendTheEndOfAnswerTokenAsAStopStringThatVllmCanMatch() throws Exception {
        JsonNode body = bodySentFor(settings(server, ServerKind.VLLM, ApiKind.CHAT)
                .withEndOfAnswerToken(END_OF_ANSWER), chatRequest("r1"));

        assertThat(body.get("stop")).hasSize(1);
        assertThat(body.get("stop").get(0).asText()).isEqualTo(END_OF_ANSWER);
        assertThat(body.get("skip_special_tokens").asBoolean()).isFalse();
    }

    @Test
    void shouldSendNoStopStringsWithoutAnEndOfAnswerToken() throws Exception {
        JsonNode body = bodySentFor(settings(server, ServerKind.VLLM, ApiKind.CHAT), chatRequest("r1"));

        assertThat(body.has("stop")).isFalse();
        assertThat(body.has("skip_special_tokens")).isFalse();
    }

    @Test
    void shouldAskSglangToContinueTheFinalMessage() throws Exception {
        JsonNode body = bodySentFor(settings(server, ServerKind.SGLANG, ApiKind.CHAT)
                .withEndOfAnswerToken(END_OF_ANSWER), chatRequest("r1"));

        assertThat(body.get("continue_final_message").asBoolean()).isTrue();
        assertThat(body.has("add_generation_prompt")).isFalse();
        assertThat(body.get("top_k").asInt()).isEqualTo(-1);
        assertThat(body.get("skip_special_tokens").asBoolean()).isFalse();
    }

    @Test
    void shouldSendLlamaCppItsOwnSamplingNamesAndNoContinuationFlags() throws Exception {
        JsonNode body = bodySentFor(settings(server, ServerKind.LLAMACPP, ApiKind.CHAT), chatRequest("r1"));

        assertThat(body.get("top_k").asInt()).isZero();
        assertThat(body.get("repeat_penalty").asDouble()).isEqualTo(1.0);
        assertThat(body.get("min_p").asDouble()).isZero();
        assertThat(body.has("repetition_penalty")).isFalse();
        assertThat(body.has("continue_final_message")).isFalse();
        assertThat(body.has("add_generation_prompt")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = ServerKind.class, names = {"VLLM", "SGLANG", "LLAMACPP"})
    void shouldSendTheTemplateArgumentsAsChatTemplateKwargs(ServerKind kind) throws Exception {
        JsonNode body = bodySentFor(settings(server, kind, ApiKind.CHAT)
                .withTemplateArguments(TemplateArguments.parse("enable_thinking=false,depth=2")), chatRequest("r1"));

        assertThat(body.get("chat_template_kwargs").get("enable_thinking").isBoolean()).isTrue();
        assertThat(body.get("chat_template_kwargs").get("enable_thinking").asBoolean()).isFalse();
        assertThat(body.get("chat_template_kwargs").get("depth").asLong()).isEqualTo(2);
        assertThat(body.get("chat_template_kwargs")).hasSize(2);
    }

    @Test
    void shouldSendNoChatTemplateKwargsWithoutTemplateArguments() throws Exception {
        JsonNode body = bodySentFor(settings(server, ServerKind.VLLM, ApiKind.CHAT), chatRequest("r1"));

        assertThat(body.has("chat_template_kwargs")).isFalse();
    }

    @Test
    void shouldSendTgiOnlyTheFieldsItTakes() throws Exception {
        JsonNode body = bodySentFor(settings(server, ServerKind.TGI, ApiKind.CHAT)
                .withEndOfAnswerToken(END_OF_ANSWER), chatRequest("r1"));

        assertThat(fieldNames(body)).containsExactlyInAnyOrder("model", "messages", "stream", "stream_options",
                "max_tokens", "temperature", "stop");
    }

    @Test
    void shouldSendOpenAiMaxCompletionTokensAndTheSeed() throws Exception {
        SamplingParams sampled = new SamplingParams(0.7, 0, 0.9, 0, 1, 42);
        CompletionRequest request = new CompletionRequest("r1", RENDERED, sampled, 64, StopCondition.NEVER)
                .withChat(ChatTurns.user("Order a coffee in French."));

        JsonNode body = bodySentFor(settings(server, ServerKind.OPENAI, ApiKind.CHAT), request);

        assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(64);
        assertThat(body.has("max_tokens")).isFalse();
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.7);
        assertThat(body.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(body.get("seed").asLong()).isEqualTo(42);
        assertThat(body.has("top_k")).isFalse();
        assertThat(body.has("add_generation_prompt")).isFalse();
    }

    @Test
    void shouldPostTheRenderedPromptToVllmCompletionsWithoutAddingSpecialTokens() throws Exception {
        JsonNode body = bodySentFor(settings(server, ServerKind.VLLM, ApiKind.COMPLETIONS), textRequest("r1"));

        assertThat(server.onlyCompletionRequest().path()).isEqualTo("/v1/completions");
        assertThat(body.get("prompt").asText()).isEqualTo(RENDERED);
        assertThat(body.get("add_special_tokens").asBoolean()).isFalse();
        assertThat(body.get("max_tokens").asInt()).isEqualTo(8);
        assertThat(body.has("messages")).isFalse();
    }

    @Test
    void shouldPostJsonAndAcceptAnEventStream() throws Exception {
        bodySentFor(settings(server, ServerKind.VLLM, ApiKind.CHAT), chatRequest("r1"));

        LocalOpenAiServer.Received request = server.onlyCompletionRequest();
        assertThat(request.header("Content-Type")).contains("application/json");
        assertThat(request.header("Accept")).contains("text/event-stream");
    }

    @Test
    void shouldSendTheApiKeyAsABearerToken() throws Exception {
        bodySentFor(settings(server, ServerKind.VLLM, ApiKind.CHAT).withApiKey(ApiKey.of("sk-local-test-4711")),
                chatRequest("r1"));

        assertThat(server.onlyCompletionRequest().header("Authorization")).contains("Bearer sk-local-test-4711");
        assertThat(server.modelRequests()).singleElement()
                .satisfies(probe -> assertThat(probe.header("Authorization")).contains("Bearer sk-local-test-4711"));
    }

    @Test
    void shouldSendNoAuthorizationHeaderWithoutAKey() throws Exception {
        bodySentFor(settings(server, ServerKind.VLLM, ApiKind.CHAT), chatRequest("r1"));

        assertThat(server.onlyCompletionRequest().header("Authorization")).isEmpty();
        assertThat(server.modelRequests().get(0).header("Authorization")).isEmpty();
    }
}
