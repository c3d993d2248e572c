package io.streamaligner.topology.app;

import io.streamaligner.inference.ExecutionProviderException;
import io.streamaligner.inference.ModelFolderException;
import io.streamaligner.inference.model.GenerationDefaults;
import io.streamaligner.inference.onnx.EngineOptions;
import io.streamaligner.inference.onnx.OnnxTextGenerator;
import io.streamaligner.inference.template.AlignerInput;
import io.streamaligner.inference.template.ChatTemplate;
import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.topology.config.StreamAlignerConfig;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The upstream and aligner models opened on ONNX Runtime from their folders, wired to their chat templates as
 * {@link AlignmentModels}; closing this closes both engines. The application, the in-process loop and
 * evaluations open them the same way, so they all run the same prompts.
 *
 * <pre>{@code
 * try (LoadedModels loaded = LoadedModels.open(config)) {
 *     List<AlignedAnswer> answers = new InProcessAlignmentLoop(loaded.models(), LoopLimits.DEFAULTS).run(requests);
 * }
 * }</pre>
 */
public final class LoadedModels implements AutoCloseable {

    private final OnnxTextGenerator upstream;
    private final OnnxTextGenerator aligner;
    private final AlignmentModels models;

    private LoadedModels(OnnxTextGenerator upstream, ChatTemplate upstreamTemplate, OnnxTextGenerator aligner,
                         ChatTemplate alignerTemplate) {
        this.upstream = upstream;
        this.aligner = aligner;
        this.models = new AlignmentModels(
                upstream, upstreamTemplate::upstreamPrompt,
                aligner, (question, prefix, last) -> alignerTemplate.alignerPrompt(new AlignerInput(question, prefix, last)));
    }

    /**
     * The configured model folders and templates ({@code streamaligner.*.model}, {@code streamaligner.*.template}),
     * run as {@code streamaligner.engine.*} says.
     */
    public static LoadedModels open(StreamAlignerConfig config) {
        Objects.requireNonNull(config, "config");
        return open(config.upstream().folder(), config.upstream().template(), config.aligner().folder(),
                config.aligner().template(), config.engine());
    }

    /**
     * Opens both folders.
     *
     * @param upstreamTemplate a chat template name, or empty for the one the folder names
     * @param alignerTemplate  a chat template name, or empty for the one the folder names
     * @throws ModelLoadException if a folder is missing, malformed or names no template while none is given, or
     *                            the execution provider cannot load
     */
    public static LoadedModels open(Path upstreamDir, Optional<String> upstreamTemplate, Path alignerDir,
                                    Optional<String> alignerTemplate, EngineOptions options) {
        Objects.requireNonNull(upstreamDir, "upstreamDir");
        Objects.requireNonNull(upstreamTemplate, "upstreamTemplate");
        Objects.requireNonNull(alignerDir, "alignerDir");
        Objects.requireNonNull(alignerTemplate, "alignerTemplate");
        Objects.requireNonNull(options, "options");
        OnnxTextGenerator upstream = openModel("upstream", upstreamDir, options);
        OnnxTextGenerator aligner = null;
        try {
            ChatTemplate upstreamChat = template("upstream", upstream, upstreamTemplate);
            aligner = openModel("aligner", alignerDir, options);
            return new LoadedModels(upstream, upstreamChat, aligner, template("aligner", aligner, alignerTemplate));
        } catch (RuntimeException e) {
            if (aligner != null) {
                aligner.close();
            }
            upstream.close();
            throw e;
        }
    }

    private static OnnxTextGenerator openModel(String role, Path folder, EngineOptions options) {
        try {
            return OnnxTextGenerator.open(folder, options);
        } catch (ModelFolderException | ExecutionProviderException e) {
            throw new ModelLoadException("cannot load the " + role + " model: " + e.getMessage(), e);
        }
    }

    private static ChatTemplate template(String role, OnnxTextGenerator generator, Optional<String> override) {
        try {
            return override.map(generator::chatTemplate).orElseGet(generator::chatTemplate);
        } catch (ModelFolderException | IllegalArgumentException e) {
            throw new ModelLoadException("no chat template for the " + role + " model: " + e.getMessage(), e);
        }
    }

    /** The two models and their prompt renderers, for the topology or the in-process loop. */
    public AlignmentModels models() {
        return models;
    }

    public OnnxTextGenerator upstream() {
        return upstream;
    }

    public OnnxTextGenerator aligner() {
        return aligner;
    }

    /** The sampling the upstream's authors recommend ({@code generation_config.json}). */
    public GenerationDefaults upstreamGenerationDefaults() {
        return upstream.modelFolder().generationDefaults();
    }

    /** Closes the aligner, then the upstream. */
    @Override
    public void close() {
        try {
            aligner.close();
        } finally {
            upstream.close();
        }
    }
}
