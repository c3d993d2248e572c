package io.streamaligner.server;

import io.streamaligner.inference.ModelFolderException;
import io.streamaligner.inference.TextGenerator;
import io.streamaligner.inference.model.ModelFolder;
import io.streamaligner.inference.onnx.OnnxTextGenerator;
import io.streamaligner.inference.template.ChatTemplate;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * An OpenAI-compatible HTTP server over one model on the embedded engine:
 * <ul>
 *   <li>{@code POST /v1/chat/completions}: an optional system message, one user message and an optional final
 *       assistant message to continue, rendered with the model's chat template;</li>
 *   <li>{@code POST /v1/completions}: a prompt completed as it is;</li>
 *   <li>{@code GET /v1/models}, and {@code GET /health} (never behind the API key).</li>
 * </ul>
 * Both generation endpoints stream as server-sent events with {@code "stream": true}; {@code finish_reason} is
 * {@code stop} or {@code length}, and {@code stop_reason} says what stopped it (the stop string, or the aligner's
 * end-of-answer token). Errors are OpenAI's error objects.
 *
 * <pre>{@code
 * try (OnnxTextGenerator engine = OnnxTextGenerator.open(Path.of("models/toy-math-upstream"), EngineOptions.cpu());
 *      OpenAiServer server = OpenAiServer.start(ServeSettings.defaults("toy-math-upstream"), engine)) {
 *     System.out.println("serving on " + server.baseUrl());   // http://127.0.0.1:PORT/v1
 * }
 * }</pre>
 *
 * <p>Jetty serves the connections; no thread waits for a generation. Every request is submitted to the engine at
 * once, which batches all clients' generations together (continuous batching), and text is written as the engine
 * decodes it. A client that disconnects mid-stream has its generation cancelled. Closing the server cancels what is
 * still running and stops Jetty; the engine stays open (its owner closes it).
 */
public final class OpenAiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiServer.class);

    private final Server jetty;
    private final ServerConnector connector;
    private final ServeSettings settings;
    private final GenerationTracker tracker;

    private OpenAiServer(Server jetty, ServerConnector connector, ServeSettings settings, GenerationTracker tracker) {
        this.jetty = jetty;
        this.connector = connector;
        this.settings = settings;
        this.tracker = tracker;
    }

    /**
     * Starts serving {@code engine}'s model; returns once the server accepts connections.
     *
     * <p>Chat requests use the template {@code settings} names, else the model folder's; a folder that names none
     * still serves completions, and chat requests are answered 400.
     *
     * @throws ServerStartException when the address cannot be bound (a port in use, an unknown host)
     */
    public static OpenAiServer start(ServeSettings settings, OnnxTextGenerator engine) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(engine, "engine");
        ModelFolder folder = engine.modelFolder();
        return start(settings, engine, new ServedModel(settings.servedModelName(), template(settings, engine),
                folder.generationDefaults(), folder.endOfAnswerToken(), folder.config().maxPositions(),
                Clock.systemUTC().instant().getEpochSecond(), settings.defaultMaxTokens()));
    }

    /** Starts serving any text generator as {@code model} describes it (tests use a scripted one). */
    static OpenAiServer start(ServeSettings settings, TextGenerator engine, ServedModel model) {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("openai-http");
        Server jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        jetty.addConnector(connector);
        GenerationTracker tracker = new GenerationTracker(engine);
        Clock clock = Clock.systemUTC();
        jetty.setHandler(new ApiHandler(model, BearerAuth.of(settings.apiKey()), settings.maxBodyBytes(), tracker,
                new ChatCompletionsEndpoint(model, clock), new CompletionsEndpoint(model, clock)));
        try {
            jetty.start();
        } catch (Exception e) {
            stopQuietly(jetty, e);
            throw new ServerStartException("cannot serve on " + settings.host() + ":" + settings.port() + ": "
                    + rootMessage(e), e);
        }
        OpenAiServer server = new OpenAiServer(jetty, connector, settings, tracker);
        LOG.info("serving {} on {} ({})", model.name(), server.baseUrl(),
                settings.apiKey().isPresent() ? "API key required" : "no API key");
        return server;
    }

    /** The port the server listens on (the one picked when the settings asked for 0). */
    public int port() {
        return connector.getLocalPort();
    }

    public String host() {
        return settings.host();
    }

    public String servedModelName() {
        return settings.servedModelName();
    }

    /** The base URL OpenAI clients take, {@code http://HOST:PORT/v1}. */
    public String baseUrl() {
        String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
        return "http://" + host + ":" + port() + "/v1";
    }

    /** How many generations are running and how the others ended. */
    public ServerStats stats() {
        return tracker.stats();
    }

    /** Generations submitted and not yet ended. */
    public int inFlight() {
        return tracker.stats().inFlight();
    }

    /** Stops accepting requests, cancels the generations still running and stops Jetty. The engine stays open. */
    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("stopping the HTTP server failed: {}", e.toString());
        } finally {
            tracker.cancelAll();
        }
    }

    private static Optional<ChatTemplate> template(ServeSettings settings, OnnxTextGenerator engine) {
        if (settings.template().isPresent()) {
            return Optional.of(engine.chatTemplate(settings.template().get()));
        }
        try {
            return Optional.of(engine.chatTemplate());
        } catch (ModelFolderException e) {
            LOG.warn("{}; chat requests will be refused (choose a template by name to serve them)", e.getMessage());
            return Optional.empty();
        }
    }

    private static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    private static void stopQuietly(Server jetty, Exception primary) {
        try {
            jetty.stop();
        } catch (Exception e) {
            primary.addSuppressed(e);
        }
    }
}
