package io.streamaligner.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamaligner.inference.ChatTurns;
import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.onnx.OnnxTextGenerator;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
    private static final String QUESTION = "What is 23 + 48 - 19?";
    private static final String KEY = "node-client-key";
    /** A safety net for a hung process, not a measurement. */
    private static final long PROCESS_LIMIT_MINUTES = 10;

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
        assumeTrue(onPath("node") && onPath("npm"), "node and npm are not on the PATH");
        Path dir = Path.of("target", "openai-node").toAbsolutePath();
        if (!Files.isDirectory(dir.resolve("node_modules").resolve("openai"))) {
            Files.createDirectories(dir);
            Result install = run(dir, "npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", dir.toString(), CLIENT);
            assertThat(install.exitCode()).as("npm install " + CLIENT + ":\n" + install.output()).isZero();
        }
        Path script = Files.copy(Path.of("src", "test", "js", "openai-client.mjs"), dir.resolve("openai-client.mjs"),
                StandardCopyOption.REPLACE_EXISTING);
        String prompt = engine.chatTemplate().render(ChatTurns.user(QUESTION));

        Result result = run(dir, "node", script.toString(), server.baseUrl(), "toy-math-upstream", KEY, QUESTION, prompt);

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

    private record Result(int exitCode, String output) {
    }

    private static Result run(Path dir, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("openai-node", ".log");
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(PROCESS_LIMIT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not end: " + Files.readString(log));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(entry, program))) {
                return true;
            }
        }
        return false;
    }
}
