package io.streamaligner.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamaligner.inference.ChatTurns;
import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.onnx.OnnxTextGenerator;
import io.streamaligner.inference.template.AlignerInput;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server on the bundled models, on loopback, driven by the JDK HTTP client. */
class OpenAiServerTest {

    private static final String QUESTION = "What is 23 + 48 - 19?";
    private static final int MAX_TOKENS = 96;
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    private static OnnxTextGenerator upstream;
    private static OnnxTextGenerator aligner;
    private static OpenAiServer server;
    private static ApiClient client;

    @BeforeAll
    static void start() {
        upstream = TestModels.open("toy-math-upstream");
        aligner = TestModels.open("toy-math-aligner");
        server = OpenAiServer.start(ServeSettings.defaults("toy-math-upstream").withMaxBodyBytes(16 * 1024), upstream);
        client = new ApiClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
        aligner.close();
        upstream.close();
    }

    @Test
    void shouldAnswerAChatCompletionWithTheEnginesGreedyText() {
        Completion expected = greedy(upstream, upstream.chatTemplate().render(ChatTurns.user(QUESTION)));

        JsonNode response = client.postJson("/v1/chat/completions", chat(QUESTION, ""));

        assertThat(response.path("object").asText()).isEqualTo("chat.completion");
        assertThat(response.path("id").asText()).startsWith("chatcmpl-");
        assertThat(response.path("model").asText()).isEqualTo("toy-math-upstream");
        JsonNode choice = response.path("choices").get(0);
        assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(choice.path("message").path("content").asText()).isEqualTo(expected.text()).isNotEmpty();
        assertThat(choice.path("finish_reason").asText()).isEqualTo(finishReason(expected));
        assertThat(response.path("usage").path("prompt_tokens").asInt()).isEqualTo(expected.promptTokens());
        assertThat(response.path("usage").path("completion_tokens").asInt()).isEqualTo(expected.generatedTokens());
        assertThat(response.path("usage").path("total_tokens").asInt())
                .isEqualTo(expected.promptTokens() + expected.generatedTokens());
    }

    @Test
    void shouldStreamAChatCompletionEqualToTheEnginesGreedyText() {
        Completion expected = greedy(upstream, upstream.chatTemplate().render(ChatTurns.user(QUESTION)));

        HttpResponse<String> response = client.post("/v1/chat/completions", withField(chat(QUESTION, ""), "\"stream\": true"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        List<String> events = ApiClient.events(response.body());
        assertThat(events).last().isEqualTo("[DONE]");
        JsonNode first = ApiClient.json(events.get(0));
        assertThat(first.path("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(first.path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
        assertThat(ApiClient.streamedText(events)).isEqualTo(expected.text());
        JsonNode finish = ApiClient.json(events.get(events.size() - 2)).path("choices").get(0);
        assertThat(finish.path("finish_reason").asText()).isEqualTo(finishReason(expected));
        assertThat(events.subList(0, events.size() - 2)).allSatisfy(event ->
                assertThat(ApiClient.json(event).path("choices").get(0).path("finish_reason").isNull()).isTrue());
        assertThat(events.subList(0, events.size() - 1)).allSatisfy(event ->
                assertThat(ApiClient.json(event).has("usage")).as("no usage without include_usage").isFalse());
    }

    @Test
    void shouldContinueAFinalAssistantMessageAsTheTemplateRendersItsPrefix() {
        ChatTurns turns = new ChatTurns("", QUESTION, "First, 23 + 48 = 71.");
        Completion expected = greedy(upstream, upstream.chatTemplate().render(turns));
        String messages = chat(QUESTION, turns.assistantPrefix());

        JsonNode implicit = client.postJson("/v1/chat/completions", messages);
        JsonNode explicit = client.postJson("/v1/chat/completions",
                withField(messages, "\"continue_final_message\": true, \"add_generation_prompt\": false"));
        HttpResponse<String> streamed = client.post("/v1/chat/completions", withField(messages, "\"stream\": true"));

        assertThat(content(implicit)).isEqualTo(expected.text()).isNotEqualTo(content(client.postJson("/v1/chat/completions", chat(QUESTION, ""))));
        assertThat(content(explicit)).isEqualTo(expected.text());
        assertThat(ApiClient.streamedText(ApiClient.events(streamed.body()))).isEqualTo(expected.text());
    }

    @Test
    void shouldCompleteAPromptOnTheCompletionsEndpoint() {
        String prompt = upstream.chatTemplate().render(ChatTurns.user(QUESTION));
        Completion expected = greedy(upstream, prompt);
        String body = "{\"model\": \"toy-math-upstream\", \"prompt\": " + quote(prompt) + ", \"max_tokens\": " + MAX_TOKENS
                + ", \"temperature\": 0, \"add_special_tokens\": false";

        JsonNode whole = client.postJson("/v1/completions", body + "}");
        JsonNode listed = client.postJson("/v1/completions", body.replace("\"prompt\": " + quote(prompt),
                "\"prompt\": [" + quote(prompt) + "]") + "}");
        List<String> events = ApiClient.events(client.post("/v1/completions", body + ", \"stream\": true}").body());

        assertThat(whole.path("object").asText()).isEqualTo("text_completion");
        assertThat(whole.path("id").asText()).startsWith("cmpl-");
        assertThat(whole.path("choices").get(0).path("text").asText()).isEqualTo(expected.text());
        assertThat(whole.path("choices").get(0).path("finish_reason").asText()).isEqualTo(finishReason(expected));
        assertThat(whole.path("usage").path("prompt_tokens").asInt()).isEqualTo(expected.promptTokens());
        assertThat(listed.path("choices").get(0).path("text").asText()).isEqualTo(expected.text());
        assertThat(ApiClient.json(events.get(0)).path("object").asText()).isEqualTo("text_completion");
        assertThat(ApiClient.streamedText(events)).isEqualTo(expected.text());
        assertThat(events).last().isEqualTo("[DONE]");
    }

    @Test
    void shouldGiveTheSameTextForTheSameSeed() {
        String sampled = "{\"messages\": [{\"role\": \"user\", \"content\": " + quote(QUESTION) + "}], \"temperature\": 1.0,"
                + " \"max_tokens\": " + MAX_TOKENS + ", \"seed\": 7";

        String first = content(client.postJson("/v1/chat/completions", sampled + "}"));
        String second = content(client.postJson("/v1/chat/completions", sampled + "}"));
        String streamed = ApiClient.streamedText(ApiClient.events(
                client.post("/v1/chat/completions", sampled + ", \"stream\": true}").body()));

        assertThat(first).isNotEmpty().isEqualTo(second).isEqualTo(streamed);
    }

    @Test
    void shouldCutAtTheEarliestStopStringAndReportIt() {
        String text = greedy(upstream, upstream.chatTemplate().render(ChatTurns.user(QUESTION))).text();
        assertThat(text).as("the greedy answer, to pick a stop string from").hasSizeGreaterThan(12);
        String stop = text.substring(text.length() / 2, text.length() / 2 + 3);
        String expected = text.substring(0, text.indexOf(stop));
        String body = withField(chat(QUESTION, ""), "\"stop\": [\"never in the answer\", " + quote(stop) + "]");

        JsonNode whole = client.postJson("/v1/chat/completions", body);
        List<String> events = ApiClient.events(client.post("/v1/chat/completions", withField(body, "\"stream\": true")).body());

        JsonNode choice = whole.path("choices").get(0);
        assertThat(content(whole)).isEqualTo(expected);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(choice.path("stop_reason").asText()).isEqualTo(stop);
        assertThat(ApiClient.streamedText(events)).as("the streamed text holds back what became the stop string").isEqualTo(expected);
        assertThat(ApiClient.json(events.get(events.size() - 2)).path("choices").get(0).path("stop_reason").asText()).isEqualTo(stop);
        assertThat(content(client.postJson("/v1/chat/completions", withField(chat(QUESTION, ""), "\"stop\": " + quote(stop)))))
                .as("one stop string, not in a list").isEqualTo(expected);
    }

    @Test
    void shouldEndAStreamWithAUsageChunkAndDone() {
        String body = withField(chat(QUESTION, ""), "\"stream\": true, \"stream_options\": {\"include_usage\": true}");
        Completion expected = greedy(upstream, upstream.chatTemplate().render(ChatTurns.user(QUESTION)));

        List<String> events = ApiClient.events(client.post("/v1/chat/completions", body).body());

        assertThat(events).last().isEqualTo("[DONE]");
        JsonNode usageChunk = ApiClient.json(events.get(events.size() - 2));
        assertThat(usageChunk.path("choices").isArray()).isTrue();
        assertThat(usageChunk.path("choices")).isEmpty();
        assertThat(usageChunk.path("usage").path("prompt_tokens").asInt()).isEqualTo(expected.promptTokens());
        assertThat(usageChunk.path("usage").path("completion_tokens").asInt()).isEqualTo(expected.generatedTokens());
        assertThat(events.subList(0, events.size() - 2)).allSatisfy(event -> {
            JsonNode chunk = ApiClient.json(event);
            assertThat(chunk.has("usage") && chunk.path("usage").isNull()).as("usage: null in %s", event).isTrue();
        });
    }

    @Test
    void shouldReportTheAlignersEndOfAnswerAsItsStopReason() {
        String user = new AlignerInput(QUESTION, "First, 23 + 48 = 71. Then, 71 - 19 = 52.", "So the answer is 52.").render();
        Completion expected = greedy(aligner, aligner.chatTemplate().render(ChatTurns.user(user)));
        assertThat(expected.finishReason()).as("the aligner ends this final sentence's correction").isEqualTo(FinishReason.END_OF_ANSWER);
        try (OpenAiServer alignerServer = OpenAiServer.start(ServeSettings.defaults("aligner"), aligner)) {
            ApiClient alignerClient = new ApiClient(alignerServer);
            String body = "{\"messages\": [{\"role\": \"user\", \"content\": " + quote(user) + "}], \"temperature\": 0, \"max_tokens\": 64";

            JsonNode whole = alignerClient.postJson("/v1/chat/completions", body + "}");
            List<String> events = ApiClient.events(alignerClient.post("/v1/chat/completions", body + ", \"stream\": true}").body());

            JsonNode choice = whole.path("choices").get(0);
            assertThat(content(whole)).isEqualTo(expected.text());
            assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
            assertThat(choice.path("stop_reason").asText()).isEqualTo("<|end_of_answer|>");
            JsonNode finish = ApiClient.json(events.get(events.size() - 2)).path("choices").get(0);
            assertThat(finish.path("stop_reason").asText()).isEqualTo("<|end_of_answer|>");
        }
    }

    @Test
    void shouldReportAPlainEndWithoutAStopReasonAndTheLimitAsLength() {
        Completion expected = greedy(upstream, upstream.chatTemplate().render(ChatTurns.user(QUESTION)));
        assertThat(expected.finishReason()).as("the upstream ends its step with its end-of-sequence token").isEqualTo(FinishReason.EOS);

        JsonNode ended = client.postJson("/v1/chat/completions", chat(QUESTION, "")).path("choices").get(0);
        JsonNode cut = client.postJson("/v1/chat/completions", withField(chat(QUESTION, ""), "\"max_completion_tokens\": 3"));

        assertThat(ended.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(ended.path("stop_reason").isNull()).isTrue();
        assertThat(cut.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
        assertThat(cut.path("usage").path("completion_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void shouldServeConcurrentStreamsTogether() {
        List<String> questions = List.of("What is 2 + 3?", "What is 14 + 9?", QUESTION, "What is 7 - 4?", "What is 30 + 12 - 5?",
                "What is 9 + 9?");
        HttpClient http = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (String question : questions) {
            HttpRequest.Builder request = client.builder("/v1/chat/completions").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(withField(chat(question, ""), "\"stream\": true")));
            responses.add(http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()));
        }

        for (int i = 0; i < questions.size(); i++) {
            String expected = greedy(upstream, upstream.chatTemplate().render(ChatTurns.user(questions.get(i)))).text();
            assertThat(ApiClient.streamedText(ApiClient.events(responses.get(i).join().body()))).as(questions.get(i)).isEqualTo(expected);
        }
    }

    @Test
    void shouldListTheModelAndReportHealth() {
        JsonNode models = ApiClient.json(client.get("/v1/models").body());
        HttpResponse<String> health = client.get("/health");

        assertThat(models.path("object").asText()).isEqualTo("list");
        assertThat(models.path("data").get(0).path("id").asText()).isEqualTo("toy-math-upstream");
        assertThat(models.path("data").get(0).path("object").asText()).isEqualTo("model");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(ApiClient.json(health.body()).path("status").asText()).isEqualTo("ok");
        assertThat(server.baseUrl()).isEqualTo("http://127.0.0.1:" + server.port() + "/v1");
    }

    @Test
    void shouldRequireTheApiKeyOnV1ButNotOnHealth() {
        try (OpenAiServer keyed = OpenAiServer.start(ServeSettings.defaults("toy").withApiKey("s3cret"), upstream)) {
            ApiClient anonymous = new ApiClient(keyed);
            ApiClient wrong = new ApiClient(keyed, Optional.of("s3cret-not"));
            ApiClient right = new ApiClient(keyed, Optional.of("s3cret"));

            HttpResponse<String> missing = anonymous.post("/v1/chat/completions", chat(QUESTION, "").replace("toy-math-upstream", "toy"));
            HttpResponse<String> wrongKey = wrong.get("/v1/models");
            HttpResponse<String> unknownPath = anonymous.get("/v1/nothing-here");

            assertThat(missing.statusCode()).isEqualTo(401);
            assertThat(error(missing).path("code").asText()).isEqualTo("invalid_api_key");
            assertThat(wrongKey.statusCode()).isEqualTo(401);
            assertThat(unknownPath.statusCode()).as("the key is checked before the path").isEqualTo(401);
            assertThat(missing.body() + wrongKey.body()).doesNotContain("s3cret");
            assertThat(right.get("/v1/models").statusCode()).isEqualTo(200);
            assertThat(right.post("/v1/chat/completions", chat(QUESTION, "").replace("toy-math-upstream", "toy")).statusCode()).isEqualTo(200);
            assertThat(anonymous.get("/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldAnswer413ForABodyOverTheLimit() {
        String body = "{\"prompt\": \"" + "x".repeat(64 * 1024) + "\"}";

        HttpResponse<String> response = client.post("/v1/completions", body);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(error(response).path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(client.get("/health").statusCode()).as("the server still answers").isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{not json",
            "[1, 2]",
            "",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}], \"temperature\": \"hot\"}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}], \"n\": 2}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"user\", \"content\": \"b\"}]}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"tool\", \"content\": \"b\"}]}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}], \"stream_options\": {\"include_usage\": true}}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}], \"tools\": [{\"type\": \"function\"}]}"})
    void shouldAnswer400ForAMalformedChatRequest(String body) {
        HttpResponse<String> response = client.post("/v1/chat/completions", body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(error(response).path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error(response).path("message").asText()).isNotBlank();
        assertThat(error(response).has("param")).isTrue();
        assertThat(error(response).has("code")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"prompt\": [1, 2, 3]}", "{\"prompt\": [\"a\", \"b\"]}", "{\"prompt\": \"\"}",
            "{\"prompt\": \"a\", \"echo\": true}", "{\"prompt\": \"a\", \"max_tokens\": -1}"})
    void shouldAnswer400ForAMalformedCompletionRequest(String body) {
        HttpResponse<String> response = client.post("/v1/completions", body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(error(response).path("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void shouldAnswer400ForAPromptLongerThanTheContextEvenWhenStreaming() {
        String longQuestion = "What is " + "1 + ".repeat(400) + "1?";

        HttpResponse<String> whole = client.post("/v1/chat/completions", chat(longQuestion, ""));
        HttpResponse<String> streamed = client.post("/v1/chat/completions", withField(chat(longQuestion, ""), "\"stream\": true"));

        assertThat(whole.statusCode()).isEqualTo(400);
        assertThat(error(whole).path("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(error(whole).path("param").asText()).isEqualTo("messages");
        assertThat(streamed.statusCode()).isEqualTo(400);
        assertThat(error(streamed).path("code").asText()).isEqualTo("context_length_exceeded");
    }

    @Test
    void shouldAnswer404ForAnotherModelOrPathAnd405ForAnotherMethod() {
        HttpResponse<String> otherModel = client.post("/v1/chat/completions", chat(QUESTION, "").replace("toy-math-upstream", "gpt-5"));
        HttpResponse<String> otherPath = client.post("/v1/embeddings", "{}");
        HttpResponse<String> otherMethod = client.get("/v1/chat/completions");

        assertThat(otherModel.statusCode()).isEqualTo(404);
        assertThat(error(otherModel).path("code").asText()).isEqualTo("model_not_found");
        assertThat(error(otherModel).path("message").asText()).contains("gpt-5");
        assertThat(otherPath.statusCode()).isEqualTo(404);
        assertThat(error(otherPath).path("message").asText()).contains("/v1/embeddings");
        assertThat(otherMethod.statusCode()).isEqualTo(405);
        assertThat(otherMethod.headers().firstValue("Allow")).contains("POST");
    }

    @Test
    void shouldAnswer500WhenTheEngineFails() {
        OnnxTextGenerator closed = TestModels.open("toy-math-upstream");
        closed.close();
        try (OpenAiServer broken = OpenAiServer.start(ServeSettings.defaults("toy-math-upstream"), closed)) {
            HttpResponse<String> response = new ApiClient(broken).post("/v1/chat/completions", chat(QUESTION, ""));

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(error(response).path("type").asText()).isEqualTo("server_error");
            assertThat(broken.stats().failed()).isEqualTo(1);
        }
    }

    @Test
    void shouldCancelTheGenerationWhenTheClientDisconnectsMidStream() throws Exception {
        try (OpenAiServer own = OpenAiServer.start(ServeSettings.defaults("toy-math-upstream"), upstream)) {
            // as long as the context allows: far longer than the few chunks read before hanging up
            byte[] body = ("{\"prompt\": " + quote(upstream.chatTemplate().render(ChatTurns.user(QUESTION)))
                    + ", \"max_tokens\": 400, \"min_tokens\": 400, \"temperature\": 0, \"stream\": true}").getBytes(StandardCharsets.UTF_8);
            try (Socket socket = new Socket("127.0.0.1", own.port())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                String line = in.readLine();
                assertThat(line).startsWith("HTTP/1.1 200");
                while (line != null && !line.startsWith("data: ")) {
                    line = in.readLine();
                }
                assertThat(line).as("a first chunk").isNotNull();
                assertThat(own.inFlight()).isEqualTo(1);
            }

            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (own.inFlight() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(own.stats()).isEqualTo(new ServerStats(0, 0, 1, 0));
        }
    }

    private static Completion greedy(OnnxTextGenerator engine, String prompt) {
        return engine.generate(List.of(CompletionRequest.greedy("reference", prompt, MAX_TOKENS))).get(0);
    }

    private static String chat(String question, String assistantPrefix) {
        String assistant = assistantPrefix.isEmpty() ? ""
                : ", {\"role\": \"assistant\", \"content\": " + quote(assistantPrefix) + "}";
        return "{\"model\": \"toy-math-upstream\", \"messages\": [{\"role\": \"user\", \"content\": " + quote(question) + "}"
                + assistant + "], \"temperature\": 0, \"max_tokens\": " + MAX_TOKENS + "}";
    }

    private static String withField(String json, String fields) {
        return json.substring(0, json.lastIndexOf('}')) + ", " + fields + "}";
    }

    private static String quote(String text) {
        return Json.MAPPER.getNodeFactory().textNode(text).toString();
    }

    private static String content(JsonNode response) {
        return response.path("choices").get(0).path("message").path("content").asText();
    }

    private static JsonNode error(HttpResponse<String> response) {
        JsonNode body = ApiClient.json(response.body());
        assertThat(body.has("error")).as(response.body()).isTrue();
        return body.path("error");
    }

    private static String finishReason(Completion completion) {
        return completion.finishReason() == FinishReason.LENGTH ? "length" : "stop";
    }
}
