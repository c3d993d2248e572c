package io.streamaligner.topology.app;

import io.streamaligner.inference.ExecutionProviderException;
import io.streamaligner.inference.InferenceException;
import io.streamaligner.inference.ModelFolderException;
import io.streamaligner.inference.TextGenerator;
import io.streamaligner.inference.http.ApiKind;
import io.streamaligner.inference.http.HttpModelSettings;
import io.streamaligner.inference.http.HttpTextGenerator;
import io.streamaligner.inference.model.ModelFolder;
import io.streamaligner.inference.onnx.EngineOptions;
import io.streamaligner.inference.onnx.OnnxTextGenerator;
import io.streamaligner.inference.template.AlignerInput;
import io.streamaligner.inference.template.ChatTemplate;
import io.streamaligner.loop.AlignerPrompt;
import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.topology.config.ModelSettings;
import io.streamaligner.topology.config.StreamAlignerConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The upstream and aligner models as the configuration places them — each opened on ONNX Runtime from its folder, or
 * reached on its OpenAI-compatible server — wired to their chat templates as {@link AlignmentModels} (a folder's own
 * Jinja template with its {@code template-kwargs}, or the built-in one it or the configuration names); closing this
 * closes both. The application, the in-process loop and evaluations open them the same way, so they all run the same
 * prompts.
 *
 * <pre>{@code
 * try (LoadedModels loaded = LoadedModels.open(config)) {
 *     List<AlignedAnswer> answers = new InProcessAlignmentLoop(loaded.models(), LoopLimits.DEFAULTS).run(requests);
 * }
 * }</pre>
 */
public final class LoadedModels implements AutoCloseable {

    /** A chat server renders the turns itself; the text rendered here is then only what a log would show. */
    private static final String UNRENDERED_TEMPLATE = "plain";

    private final TextGenerator upstream;
    private final TextGenerator aligner;
    private final AlignmentModels models;

    private LoadedModels(OpenedModel upstream, OpenedModel aligner) {
        this(upstream, aligner.generator(),
                (question, prefix, last) -> aligner.template().alignerPrompt(new AlignerInput(question, prefix, last)));
    }

    private LoadedModels(OpenedModel upstream, TextGenerator aligner, AlignerPrompt alignerPrompt) {
        this.upstream = upstream.generator();
        this.aligner = aligner;
        this.models = new AlignmentModels(this.upstream, upstream.template()::upstreamPrompt, aligner, alignerPrompt);
    }

    /**
     * The configured models: folders and templates ({@code streamaligner.*.model}, {@code streamaligner.*.template})
     * run as {@code streamaligner.engine.*} says, or servers ({@code streamaligner.*.url}).
     *
     * @throws ModelLoadException if a folder is missing, malformed or names no template while none is given, the
     *                            execution provider cannot load, or a server cannot be reached or does not serve the
     *                            model
     */
    public static LoadedModels open(StreamAlignerConfig config) {
        Objects.requireNonNull(config, "config");
        OpenedModel upstream = open("upstream", config.upstream(), config.engine());
        try {
            config.upstream().server().ifPresent(server -> checkRecommendedSampling(server, config.upstream().folder()));
            return new LoadedModels(upstream, open("aligner", config.aligner(), config.engine()));
        } catch (RuntimeException e) {
            upstream.generator().close();
            throw e;
        }
    }

    /**
     * The configured upstream ({@code streamaligner.upstream.*}), with a model of the caller's in the aligner's place (a
     * teacher writing training data) whose prompts {@code alignerPrompt} renders; the aligner's own settings are not
     * read. Closing this closes both; so does a failure to open the upstream.
     *
     * @throws ModelLoadException as {@link #open(StreamAlignerConfig)}, for the upstream
     */
    public static LoadedModels open(StreamAlignerConfig config, TextGenerator aligner, AlignerPrompt alignerPrompt) {
        Objects.requireNonNull(aligner, "aligner");
        Objects.requireNonNull(alignerPrompt, "alignerPrompt");
        try {
            Objects.requireNonNull(config, "config");
            OpenedModel upstream = open("upstream", config.upstream(), config.engine());
            try {
                config.upstream().server().ifPresent(server -> checkRecommendedSampling(server, config.upstream().folder()));
                return new LoadedModels(upstream, aligner, alignerPrompt);
            } catch (RuntimeException e) {
                upstream.generator().close();
                throw e;
            }
        } catch (RuntimeException e) {
            aligner.close();
            throw e;
        }
    }

    /**
     * Opens both folders on the embedded engine.
     *
     * @param upstreamTemplate a chat template name, or empty for the one the folder names
     * @param alignerTemplate  a chat template name, or empty for the one the folder names
     * @throws ModelLoadException if a folder is missing, malformed or names no template while none is given, or
     *                            the execution provider cannot load
     */
    public static LoadedModels open(Path upstreamDir, Optional<String> upstreamTemplate, Path alignerDir,
                                    Optional<String> alignerTemplate, EngineOptions options) {
        Objects.requireNonNull(options, "options");
        OpenedModel upstream = open("upstream", new ModelSettings(upstreamDir, upstreamTemplate), options);
        try {
            return new LoadedModels(upstream, open("aligner", new ModelSettings(alignerDir, alignerTemplate), options));
        } catch (RuntimeException e) {
            upstream.generator().close();
            throw e;
        }
    }

    private record OpenedModel(TextGenerator generator, ChatTemplate template) {
    }

    private static OpenedModel open(String role, ModelSettings settings, EngineOptions options) {
        Objects.requireNonNull(settings, "settings");
        if (settings.server().isPresent()) {
            HttpModelSettings server = settings.server().get();
            // the completions API sends the text rendered here (the configuration requires its template)
            ChatTemplate template = builtIn(role, settings.template()
                    .filter(name -> server.api() == ApiKind.COMPLETIONS).orElse(UNRENDERED_TEMPLATE));
            try {
                return new OpenedModel(HttpTextGenerator.open(server), template);
            } catch (InferenceException e) {
                throw new ModelLoadException("cannot use the " + role + " model's server: " + e.getMessage(), e);
            }
        }
        OnnxTextGenerator engine = openEngine(role, settings.folder(), options);
        try {
            return new OpenedModel(engine, folderTemplate(role, engine, settings));
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /**
     * The sampling {@code ask}, {@code demo} and {@code eval} take from the upstream's folder must be one its server
     * takes: said at start-up rather than failing every request.
     */
    private static void checkRecommendedSampling(HttpModelSettings server, Path folder) {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try {
            server.server().check(ModelFolder.open(folder).generationDefaults().sampling(0), 0);
        } catch (ModelFolderException unreadable) {
            // no recommended sampling to check
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("the upstream's recommended sampling (" + folder.resolve("generation_config.json")
                    + ") does not suit its server: " + e.getMessage(), e);
        }
    }

    private static OnnxTextGenerator openEngine(String role, Path folder, EngineOptions options) {
        try {
            return OnnxTextGenerator.open(folder, options);
        } catch (ModelFolderException | ExecutionProviderException e) {
            throw new ModelLoadException("cannot load the " + role + " model: " + e.getMessage(), e);
        }
    }

    private static ChatTemplate folderTemplate(String role, OnnxTextGenerator generator, ModelSettings settings) {
        try {
            return generator.chatTemplate(settings.template(), settings.templateArguments());
        } catch (ModelFolderException | IllegalArgumentException e) {
            throw new ModelLoadException("no chat template for the " + role + " model: " + e.getMessage(), e);
        }
    }

    private static ChatTemplate builtIn(String role, String name) {
        try {
            return ChatTemplate.named(name);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("no chat template for the " + role + " model: " + e.getMessage(), e);
        }
    }

    /** The two models and their prompt renderers, for the topology or the in-process loop. */
    public AlignmentModels models() {
        return models;
    }

    public TextGenerator upstream() {
        return upstream;
    }

    public TextGenerator aligner() {
        return aligner;
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
