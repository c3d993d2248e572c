package io.streamaligner.inference.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaligner.inference.ChatTurns;
import io.streamaligner.inference.ModelFolderException;
import io.streamaligner.inference.model.TokenizerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FolderTemplateTest {

    private static final Path FOLDER = Path.of("my-model");
    private static final Optional<TokenizerConfig> WITH_TEMPLATE = Optional.of(new TokenizerConfig(
            Optional.of("{{ bos_token }}{% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}"
                    + "{% if add_generation_prompt %}[assistant]{% endif %}"),
            Map.of("bos_token", "<s>"), List.of(), true));
    private static final Optional<TokenizerConfig> WITHOUT_TEMPLATE = Optional.of(new TokenizerConfig(
            Optional.empty(), Map.of("bos_token", "<s>"), List.of(), true));

    @Test
    void shouldUseTheFoldersOwnTemplateWhenNothingIsNamed() {
        ChatTemplate template = resolve(Optional.empty(), Optional.empty(), WITH_TEMPLATE, TemplateArguments.NONE);

        assertThat(template).isInstanceOf(JinjaChatTemplate.class);
        assertThat(template.render(ChatTurns.user("Hi"))).isEqualTo("<s>[user]Hi[assistant]");
    }

    @Test
    void shouldLetStreamAlignerJsonPinABuiltInTemplateAndTheCallerOverrideBoth() {
        assertThat(resolve(Optional.empty(), Optional.of("toy"), WITH_TEMPLATE, TemplateArguments.NONE).name())
                .isEqualTo("toy");
        assertThat(resolve(Optional.of("gemma"), Optional.of("toy"), WITH_TEMPLATE, TemplateArguments.NONE).name())
                .isEqualTo("gemma");
    }

    @Test
    void shouldReserveTheTokenizersSpecialTokensEitherWay() {
        ChatTemplate own = resolve(Optional.empty(), Optional.empty(), WITH_TEMPLATE, TemplateArguments.NONE);
        ChatTemplate named = resolve(Optional.of("toy"), Optional.empty(), WITH_TEMPLATE, TemplateArguments.NONE);

        assertThat(own.reserved().strings()).contains("<|secret|>", "<s>");
        assertThat(named.reserved().strings()).contains("<|secret|>");
    }

    @Test
    void shouldSayWhatToDoWhenTheFolderHasNoTemplate() {
        assertThatThrownBy(() -> resolve(Optional.empty(), Optional.empty(), WITHOUT_TEMPLATE, TemplateArguments.NONE))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("my-model has no chat template").hasMessageContaining("llama2");
        assertThatThrownBy(() -> resolve(Optional.empty(), Optional.empty(), Optional.empty(), TemplateArguments.NONE))
                .isInstanceOf(ModelFolderException.class);
    }

    @Test
    void shouldRefuseArgumentsForABuiltInTemplateAndAnUnknownName() {
        assertThatThrownBy(() -> resolve(Optional.of("toy"), Optional.empty(), WITH_TEMPLATE,
                TemplateArguments.parse("enable_thinking=false")))
                .isInstanceOf(ModelFolderException.class).hasMessageContaining("built-in 'toy'");
        assertThatThrownBy(() -> resolve(Optional.empty(), Optional.of("vicuna"), WITH_TEMPLATE, TemplateArguments.NONE))
                .isInstanceOf(ModelFolderException.class).hasMessageContaining("stream_aligner.json")
                .hasMessageContaining("vicuna");
    }

    @Test
    void shouldNameTheFolderOfATemplateThatDoesNotRender() {
        Optional<TokenizerConfig> broken = Optional.of(new TokenizerConfig(Optional.of("{% for m in messages %}"),
                Map.of(), List.of(), false));

        assertThatThrownBy(() -> resolve(Optional.empty(), Optional.empty(), broken, TemplateArguments.NONE))
                .isInstanceOf(ModelFolderException.class).hasMessageContaining("my-model");
    }

    private static ChatTemplate resolve(Optional<String> override, Optional<String> pinned,
                                        Optional<TokenizerConfig> config, TemplateArguments arguments) {
        return FolderTemplate.resolve(FOLDER, override, pinned, config, arguments, List.of("<|secret|>"));
    }
}
