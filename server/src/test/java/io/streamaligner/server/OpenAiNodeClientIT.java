package io.streamaligner.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamaligner.inference.ChatTurns;
import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.onnx.OnnxTextGenerator;
import io.streamaligner.server.testing.NodeScript;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The official {@code openai} npm client ({@value #CLIENT}) streams a chat and a completion from the server. The
 * client is installed once under {@code target/openai-node} (never into the source tree); the test is skipped where
 * {@code node} or {@code npm} is not on the PATH.
 */
@Tag("integration")
class OpenAiNodeClientIT {

    private static final String CLIENT = "openai@7.55.0";
    private static final String SCRIPT = "openai-client.mjs";
    private static final String QUESTION = "What is 23 + 48 - 19?";
    private static final String KEY = "node-client-key";

    private static OnnxTextGenerator engine;
    private static OpenAiServer server;

    @BeforeAll
    static void start() {
        engine = TestModels.open("toy-math-upstream");
        server = OpenAiServer.start(ServeSettings.defaults("toy-math-upstream").withApiKey(KEY), engine);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void shouldStreamAChatAndACompletionToTheOfficialClient() throws Exception {
        assumeTrue(NodeScript.onPath("node") && NodeScript.onPath("npm"), "node and npm are not on the PATH");
        NodeScript client = NodeScript.install("openai-node", SCRIPT, CLIENT);
        String prompt = engine.chatTemplate().render(ChatTurns.user(QUESTION));

        NodeScript.Result result = client.run(SCRIPT, server.baseUrl(), "toy-math-upstream", KEY, QUESTION, prompt);

        assertThat(result.exitCode()).as(result.output()).isZero();
        Map<String, JsonNode> calls = new HashMap<>();
        result.output().lines().filter(line -> line.startsWith("{\"call\"")).map(ApiClient::json)
                .forEach(line -> calls.put(line.path("call").asText(), line));
        assertThat(calls).as(result.output()).containsKeys("models", "chat", "completion", "whole");
        Completion expected = engine.generate(List.of(CompletionRequest.greedy("reference", prompt, 96))).get(0);
        assertThat(calls.get("models").path("ids").get(0).asText()).isEqualTo("toy-math-upstream");
        JsonNode chat = calls.get("chat");
        assertThat(chat.path("role").asText()).isEqualTo("assistant");
        assertThat(chat.path("text").asText()).isEqualTo(expected.text()).isNotEmpty();
        assertThat(chat.path("finish").asText()).isIn("stop", "length");
        assertThat(chat.path("usage").path("completion_tokens").asInt()).isEqualTo(expected.generatedTokens());
        assertThat(calls.get("completion").path("text").asText()).isEqualTo(expected.text());
        assertThat(calls.get("whole").path("text").asText()).isEqualTo(expected.text());
    }
}
