package io.streamaligner.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaligner.inference.ModelFolderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerConfigTest {

    @Test
    void shouldReadTheTemplateAndTheSpecialTokensWrittenAsStringsOrObjects(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("tokenizer_config.json"), """
                {"chat_template": "{{ bos_token }}", "add_bos_token": true,
                 "bos_token": {"content": "<s>", "lstrip": false}, "eos_token": "</s>", "pad_token": null,
                 "additional_special_tokens": ["<|im_start|>", {"content": "<|im_end|>"}]}""");

        TokenizerConfig config = TokenizerConfig.read(folder).orElseThrow();

        assertThat(config.chatTemplate()).hasValue("{{ bos_token }}");
        assertThat(config.specialTokens()).isEqualTo(Map.of("bos_token", "<s>", "eos_token", "</s>"));
        assertThat(config.additionalSpecialTokens()).containsExactly("<|im_start|>", "<|im_end|>");
        assertThat(config.allSpecialTokens()).contains("<s>", "</s>", "<|im_start|>", "<|im_end|>");
        assertThat(config.bosToken()).hasValue("<s>");
        assertThat(config.addBosToken()).isTrue();
    }

    @Test
    void shouldPickTheDefaultOfNamedTemplates(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("tokenizer_config.json"), """
                {"chat_template": [{"name": "tool_use", "template": "T"}, {"name": "default", "template": "D"}]}""");

        assertThat(TokenizerConfig.read(folder).orElseThrow().chatTemplate()).hasValue("D");
    }

    @Test
    void shouldNameNamedTemplatesWithoutADefault(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("tokenizer_config.json"), """
                {"chat_template": [{"name": "tool_use", "template": "T"}]}""");

        assertThatThrownBy(() -> TokenizerConfig.read(folder)).isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("tool_use").hasMessageContaining("default");
    }

    @Test
    void shouldFindTheTemplateInChatTemplateJinjaBesideTheConfig(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");
        Files.writeString(folder.resolve("chat_template.jinja"), "{{ messages[0].content }}\n");

        TokenizerConfig config = TokenizerConfig.read(folder).orElseThrow();

        assertThat(config.chatTemplate()).hasValue("{{ messages[0].content }}\n");
        assertThat(config.specialTokens()).containsEntry("eos_token", "</s>");
    }

    @Test
    void shouldLetTheTemplateFileWinOverTheConfigsOwnAsTransformersDoes(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("tokenizer_config.json"), "{\"chat_template\": \"old {{ messages }}\"}");
        Files.writeString(folder.resolve("chat_template.jinja"), "fixed {{ messages }}");

        assertThat(TokenizerConfig.read(folder).orElseThrow().chatTemplate()).hasValue("fixed {{ messages }}");
    }

    @Test
    void shouldBeAbsentForAFolderWithoutEither(@TempDir Path folder) {
        assertThat(TokenizerConfig.read(folder)).isEmpty();
    }

    @Test
    void shouldNameAMalformedFile(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("tokenizer_config.json"), "{not json");

        assertThatThrownBy(() -> TokenizerConfig.read(folder)).isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("tokenizer_config.json");
    }
}
