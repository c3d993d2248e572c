package io.streamaligner.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.onnx.EngineOptions;
import io.streamaligner.inference.onnx.OnnxTextGenerator;
import io.streamaligner.inference.template.JinjaChatTemplate;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} renders chat requests with the folder's own Jinja template, as vLLM does with a real model folder, and
 * passes the request's {@code chat_template_kwargs} to it. The folder is the bundled upstream with its built-in format
 * written as a Jinja template in {@code tokenizer_config.json} (one argument, {@code terse}, opens the answer with
 * "First,"), and no template pinned.
 */
class FolderChatTemplateServeTest {

    private static final String QUESTION = "What is 23 + 48 - 19?";
    private static final int MAX_TOKENS = 64;
    private static final String TEMPLATE = "{%- if messages[0].role == 'system' %}{{ raise_exception('System role not "
            + "supported') }}{% endif %}{%- for m in messages %}{% if m.role == 'user' %}<|user|>{{ m.content }}"
            + "{% else %}<|assistant|>{{ m.content }}{% endif %}{% endfor %}{% if add_generation_prompt %}<|assistant|>"
            + "{% if terse is defined and terse %}First,{% endif %}{% endif %}";

    @TempDir
    static Path scratch;

    private static OnnxTextGenerator engine;
    private static OpenAiServer server;
    private static ApiClient client;

    @BeforeAll
    static void start() throws IOException {
        Path folder = scratch.resolve("toy-with-jinja");
        Files.createDirectories(folder);
        for (String file : List.of("model.onnx", "tokenizer.json", "config.json", "generation_config.json")) {
            Files.copy(TestModels.bundled("toy-math-upstream").resolve(file), folder.resolve(file));
        }
        ObjectNode config = Json.MAPPER.createObjectNode().put("chat_template", TEMPLATE);
        Files.writeString(folder.resolve("tokenizer_config.json"), Json.MAPPER.writeValueAsString(config));
        engine = OnnxTextGenerator.open(folder, EngineOptions.cpu().withIntraOpThreads(1));
        server = OpenAiServer.start(ServeSettings.defaults("toy-with-jinja"), engine);
        client = new ApiClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
        engine.close();
    }

    @Test
    void shouldRenderChatRequestsWithTheFoldersOwnTemplate() {
        JsonNode response = client.postJson("/v1/chat/completions", chat(""));

        assertThat(engine.chatTemplate()).isInstanceOf(JinjaChatTemplate.class);
        assertThat(content(response)).isEqualTo(greedy("<|user|>" + QUESTION + "<|assistant|>")).isNotEmpty();
    }

    @Test
    void shouldPassTheRequestsChatTemplateKwargsToTheTemplate() {
        JsonNode response = client.postJson("/v1/chat/completions", chat(", \"chat_template_kwargs\": {\"terse\": true}"));

        assertThat(content(response)).isEqualTo(greedy("<|user|>" + QUESTION + "<|assistant|>First,"))
                .isNotEqualTo(content(client.postJson("/v1/chat/completions", chat(""))));
    }

    @Test
    void shouldAnswer400ForArgumentsItCannotTakeAndConversationsTheTemplateRefuses() {
        HttpResponse<String> listArgument = client.post("/v1/chat/completions",
                chat(", \"chat_template_kwargs\": {\"terse\": [1]}"));
        HttpResponse<String> renderVariable = client.post("/v1/chat/completions",
                chat(", \"chat_template_kwargs\": {\"messages\": \"x\"}"));
        HttpResponse<String> refused = client.post("/v1/chat/completions", "{\"model\": \"toy-with-jinja\", \"messages\": "
                + "[{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"Hi\"}]}");

        assertThat(listArgument.statusCode()).isEqualTo(400);
        assertThat(listArgument.body()).contains("chat_template_kwargs.terse");
        assertThat(renderVariable.statusCode()).isEqualTo(400);
        assertThat(renderVariable.body()).contains("messages");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("System role not supported");
    }

    private static String greedy(String prompt) {
        return engine.generate(List.of(CompletionRequest.greedy("reference", prompt, MAX_TOKENS))).get(0).text();
    }

    private static String chat(String moreFields) {
        return "{\"model\": \"toy-with-jinja\", \"messages\": [{\"role\": \"user\", \"content\": \"" + QUESTION + "\"}], "
                + "\"temperature\": 0, \"max_tokens\": " + MAX_TOKENS + moreFields + "}";
    }

    private static String content(JsonNode response) {
        return response.path("choices").get(0).path("message").path("content").asText();
    }
}
