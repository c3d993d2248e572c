package io.streamaligner.topology.cli;

import io.streamaligner.inference.ExecutionProviderException;
import io.streamaligner.inference.ModelFolderException;
import io.streamaligner.inference.onnx.OnnxTextGenerator;
import io.streamaligner.server.OpenAiServer;
import io.streamaligner.server.ServeSettings;
import io.streamaligner.server.ServerStartException;
import io.streamaligner.topology.config.StreamAlignerConfig;
import io.streamaligner.topology.error.UserFixableException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code serve}: an OpenAI-compatible HTTP server ({@link OpenAiServer}) over any model folder on the embedded engine,
 * until Ctrl-C or SIGTERM, which close the server and then the engine.
 * <pre>
 * java -jar topology/target/stream-aligner.jar serve --model models/toy-math-upstream --port 8000
 * </pre>
 * The engine runs as {@code streamaligner.engine.*} says (the configuration file, {@code STREAM_ALIGNER_ENGINE_*}
 * or {@code -D}). Once it listens it prints {@code serving NAME on http://HOST:PORT/v1}.
 */
@Command(name = "serve",
        description = {"Serves a model folder over an OpenAI-compatible HTTP API until Ctrl-C: "
                + "/v1/chat/completions, /v1/completions (both streaming), /v1/models and /health.",
                "Prints 'serving NAME on http://HOST:PORT/v1' once it listens. "
                        + "Engine settings come from the configuration: -D streamaligner.engine.provider=cuda, ..."})
public final class ServeCommand implements Callable<Integer> {

    @Mixin
    private SettingsOptions config;

    @Option(names = "--model", paramLabel = "DIR", required = true,
            description = "The model folder (optimum's ONNX layout: model.onnx, tokenizer.json, config.json).")
    private Path model;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8000",
            description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = ServeSettings.DEFAULT_HOST,
            description = "Address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--served-model-name", paramLabel = "NAME",
            description = "The model's name in requests and /v1/models (default: the folder's name).")
    private String servedModelName;

    @Option(names = "--api-key-env", paramLabel = "VAR",
            description = "Environment variable holding an API key: every /v1 request must then send "
                    + "'Authorization: Bearer KEY' (/health stays open).")
    private String apiKeyVariable;

    @Option(names = "--template", paramLabel = "NAME",
            description = "A built-in chat template (plain, llama2, llama3, gemma, chatml, qwen, toy) in place of the folder's own (its tokenizer_config.json chat_template, or the one its stream_aligner.json names).")
    private String template;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "" + ServeSettings.DEFAULT_MAX_TOKENS,
            description = "max_tokens for requests that send none (default: ${DEFAULT-VALUE}).")
    private int defaultMaxTokens;

    @Option(names = "--max-body-bytes", paramLabel = "BYTES", defaultValue = "" + ServeSettings.DEFAULT_MAX_BODY_BYTES,
            description = "Larger request bodies are answered 413 (default: ${DEFAULT-VALUE}).")
    private int maxBodyBytes;

    @Spec
    private CommandSpec spec;

    private final Map<String, String> environment;

    public ServeCommand() {
        this(System.getenv());
    }

    /** With {@code environment} in place of the process's, for the API key and the configuration. */
    ServeCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public Integer call() {
        try (StopSignal stop = StopSignal.install()) {
            return serve(stop.requested());
        }
    }

    /** Loads the model, serves it, and closes both once {@code stopRequested} completes. */
    int serve(CompletableFuture<Void> stopRequested) {
        ServeSettings settings = settings();
        StreamAlignerConfig resolved = config.resolve(environment);
        PrintWriter out = spec.commandLine().getOut();
        try (OnnxTextGenerator engine = openEngine(resolved);
             OpenAiServer server = startServer(settings, engine)) {
            out.println("serving " + server.servedModelName() + " on " + server.baseUrl());
            out.flush();
            stopRequested.join();
        }
        return CommandLine.ExitCode.OK;
    }

    private ServeSettings settings() {
        require(defaultMaxTokens >= 1, "--max-tokens must be at least 1, was " + defaultMaxTokens);
        require(maxBodyBytes >= 1, "--max-body-bytes must be at least 1, was " + maxBodyBytes);
        require(port >= 0 && port <= 65535, "--port must be in [0, 65535], was " + port);
        require(!host.isBlank(), "--host must not be blank");
        require(servedModelName == null || !servedModelName.isBlank(), "--served-model-name must not be blank");
        Path folder = model.toAbsolutePath().normalize();
        String name = servedModelName != null ? servedModelName
                : Optional.ofNullable(folder.getFileName()).map(Path::toString).orElse(folder.toString());
        ServeSettings settings = ServeSettings.defaults(name).withHost(host).withPort(port)
                .withDefaultMaxTokens(defaultMaxTokens).withMaxBodyBytes(maxBodyBytes);
        if (apiKeyVariable != null) {
            String key = environment.get(apiKeyVariable);
            if (key == null || key.isBlank()) {
                throw new UserFixableException("--api-key-env names " + apiKeyVariable + ", which is not set");
            }
            settings = settings.withApiKey(key.strip());
        }
        if (template != null) {
            try {
                settings = settings.withTemplate(template);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--template: " + e.getMessage());
            }
        }
        return settings;
    }

    private OnnxTextGenerator openEngine(StreamAlignerConfig resolved) {
        try {
            return OnnxTextGenerator.open(model.toAbsolutePath().normalize(), resolved.engine());
        } catch (ModelFolderException | ExecutionProviderException e) {
            throw new UserFixableException("cannot load the model: " + e.getMessage(), e);
        }
    }

    private static OpenAiServer startServer(ServeSettings settings, OnnxTextGenerator engine) {
        try {
            return OpenAiServer.start(settings, engine);
        } catch (ServerStartException e) {
            throw new UserFixableException(e.getMessage(), e);
        }
    }

    private void require(boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
