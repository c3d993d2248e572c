package io.streamaligner.topology.app;

import io.streamaligner.inference.ModelFolderException;
import io.streamaligner.inference.model.ModelFolder;
import io.streamaligner.inference.model.TokenizerConfig;
import io.streamaligner.inference.template.AlignerInput;
import io.streamaligner.inference.template.ChatTemplate;
import io.streamaligner.inference.template.FolderTemplate;
import io.streamaligner.inference.tokenizer.Tokenizer;
import io.streamaligner.topology.config.ModelSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The prompts the loop writes for a model folder, without loading the model: the folder's chat template as
 * {@link FolderTemplate} chooses it (the same rule and the same reserved special tokens as the engine's), which only
 * needs {@code tokenizer.json}, {@code tokenizer_config.json} and an optional {@code stream_aligner.json}. The
 * {@code prompt} command prints them, so templates can be checked without running anything.
 */
public final class FolderPrompts {

    private final ChatTemplate template;

    private FolderPrompts(ChatTemplate template) {
        this.template = template;
    }

    /**
     * Reads the folder's tokenizer files and chooses its template.
     *
     * @param settings the model's folder, its {@code template} override and its {@code template-kwargs}
     * @throws ModelLoadException if the folder or its tokenizer is missing or malformed, or no template applies
     */
    public static FolderPrompts open(ModelSettings settings) {
        Objects.requireNonNull(settings, "settings");
        Path folder = settings.folder();
        if (!Files.isDirectory(folder)) {
            throw new ModelLoadException("model folder " + folder + " does not exist or is not a directory", null);
        }
        try (Tokenizer tokenizer = Tokenizer.load(folder.resolve(ModelFolder.TOKENIZER_FILE))) {
            return new FolderPrompts(FolderTemplate.resolve(folder, settings.template(), ModelFolder.pinnedTemplate(folder),
                    TokenizerConfig.read(folder), settings.templateArguments(), tokenizer.specialTokens().keySet()));
        } catch (ModelFolderException e) {
            throw new ModelLoadException(e.getMessage(), e);
        }
    }

    /** The template the prompts are written with. */
    public ChatTemplate template() {
        return template;
    }

    /** The upstream's prompt for one step, as {@code AlignmentLoop.upstreamCall} renders it. */
    public String upstream(String system, String question, String alignedPrefix) {
        return template.upstreamPrompt(system, question, alignedPrefix);
    }

    /** The aligner's prompt for one sentence, as {@code AlignmentLoop.alignerCall} renders it. */
    public String aligner(String question, String alignedPrefix, String sentence) {
        return template.alignerPrompt(new AlignerInput(question, alignedPrefix, sentence));
    }
}
