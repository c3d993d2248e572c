package io.streamaligner.inference.template;

import io.streamaligner.inference.ModelFolderException;
import io.streamaligner.inference.model.ModelFolder;
import io.streamaligner.inference.model.TokenizerConfig;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * The one rule for which chat template a model folder's prompts are written with:
 * <ol>
 *   <li>a built-in template named by the caller (configuration {@code streamaligner.<model>.template}, {@code serve
 *       --template}, {@code prompt --template});</li>
 *   <li>else the built-in one the folder's {@code stream_aligner.json} pins (the bundled toy models', an aligner
 *       trained on the seed's format);</li>
 *   <li>else the folder's own Jinja {@code chat_template} ({@code tokenizer_config.json} or {@code chat_template.jinja}),
 *       with the template arguments.</li>
 * </ol>
 * Either way the model's special tokens are reserved, so content cannot fake them.
 */
public final class FolderTemplate {

    private FolderTemplate() {
    }

    /**
     * The folder's template.
     *
     * @param folder        named in errors
     * @param override      a built-in template's name, if the caller chose one
     * @param pinned        the built-in template {@code stream_aligner.json} names, if it names one
     * @param config        the folder's tokenizer configuration, if it has one
     * @param arguments     the template's keyword arguments; only a Jinja template takes them
     * @param specialTokens the tokenizer's special tokens, reserved in content
     * @throws ModelFolderException if no template applies, a name is unknown, the folder's template does not render,
     *                              or arguments are given for a built-in template
     */
    public static ChatTemplate resolve(Path folder, Optional<String> override, Optional<String> pinned,
                                       Optional<TokenizerConfig> config, TemplateArguments arguments,
                                       Collection<String> specialTokens) {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(arguments, "arguments");
        Objects.requireNonNull(specialTokens, "specialTokens");
        Optional<String> builtIn = override.or(() -> pinned);
        if (builtIn.isPresent()) {
            ChatTemplate template = named(builtIn.get(), override.isPresent() ? "the template setting"
                    : folder.resolve(ModelFolder.SETTINGS_FILE).toString());
            if (!arguments.isEmpty()) {
                throw new ModelFolderException("template arguments (" + arguments + ") are for a Jinja chat template,"
                        + " and the prompts of " + folder + " are written with the built-in '" + template.name() + "'");
            }
            return template.withReserved(specialTokens);
        }
        TokenizerConfig tokenizerConfig = config.filter(c -> c.chatTemplate().isPresent())
                .orElseThrow(() -> new ModelFolderException("model folder " + folder + " has no chat template: no "
                        + "chat_template in " + TokenizerConfig.FILE + " (nor " + TokenizerConfig.TEMPLATE_FILE
                        + ") and none named in " + ModelFolder.SETTINGS_FILE + "; name a built-in one (the template "
                        + "setting, or --template): " + String.join(", ", ChatTemplate.names())));
        try {
            return JinjaChatTemplate.of(tokenizerConfig).withArguments(arguments).withReserved(specialTokens);
        } catch (ChatTemplateException | IllegalArgumentException e) {
            throw new ModelFolderException("the chat template of " + folder + " cannot be used: " + e.getMessage(), e);
        }
    }

    private static ChatTemplate named(String name, String source) {
        try {
            return ChatTemplate.named(name);
        } catch (IllegalArgumentException e) {
            throw new ModelFolderException(source + ": " + e.getMessage(), e);
        }
    }
}
