package io.streamaligner.inference.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.Generation;
import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.StopCondition;
import io.streamaligner.inference.TextGenerator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A model served by an OpenAI-compatible server (vLLM, SGLang, llama.cpp, TGI, Ollama, OpenAI, or our own
 * {@code serve}), behind the asynchronous {@link TextGenerator} contract: each {@link #submit} posts one
 * request on the JDK's {@link HttpClient} and returns at once; the text arrives as server-sent events, read line by
 * line on the client's selector thread, and goes to the listener as it comes. A request whose caller takes no pieces
 * ({@link DeltaListener#NONE}) and cuts nothing ({@link StopCondition#NEVER}) is asked with {@code stream: false}
 * instead, and its text read whole: no event per token to write, read and parse.
 *
 * <p>Each submit is one attempt: the failure says whether a retry may help and how long the server asked to wait
 * ({@link HttpFailures}), and the caller, which owns the request's deadline and attempt budget, decides. A watchdog
 * fails a stream that stays silent past the first-byte or the between-chunks timeout. Thread-safe.
 */
public final class HttpTextGenerator implements TextGenerator {

    /** The shortest time the start-up probe of {@code /models} gets. */
    private static final int PROBE_TIMEOUT_FLOOR_MS = 1_000;
    /** Thread-safe once configured: shared by every generator, its probe and its request bodies. */
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(HttpTextGenerator.class);
    private static final AtomicBoolean POOL_HINT_LOGGED = new AtomicBoolean();
    /** Loose on purpose: {@link URI#getHost()} has no host at all for 999.1.1.1, so every octet that gets here fits. */
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final HttpModelSettings settings;
    private final String servedModel;
    private final HttpClient client;
    private final ExecutorService senders;
    private final ScheduledExecutorService watchdog;
    private final RequestBodyBuilder bodies;
    private final ChunkParser parser;
    private final String endpoint;
    private final URI endpointUri;
    /** Whether a request may go out on the submitting thread: its host needs no name lookup ({@link #send}). */
    private final boolean sendsOnCallerThread;
    private final Set<StreamingCall> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private HttpTextGenerator(HttpModelSettings settings, String servedModel, HttpClient client,
                              ExecutorService senders) {
        this.settings = settings;
        this.servedModel = servedModel;
        this.client = client;
        this.senders = senders;
        this.bodies = new RequestBodyBuilder(JSON, settings, servedModel);
        this.parser = new ChunkParser(JSON, settings.api());
        this.endpointUri = settings.endpoint(settings.api().path());
        this.endpoint = "POST " + endpointUri;
        this.sendsOnCallerThread = isAddressLiteral(endpointUri.getHost());
        this.watchdog = Executors.newSingleThreadScheduledExecutor(daemon("http-watchdog"));
        long periodMs = Math.max(10, Math.min(250,
                Math.min(settings.firstByteTimeout().toMillis(), settings.chunkTimeout().toMillis()) / 10));
        watchdog.scheduleAtFixedRate(this::checkTimeouts, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Connects to the server and checks it: {@code GET {base}/models} must answer, accept the API key, and list the
     * served model (the first one listed is taken when the settings name none).
     *
     * @throws HttpBackendException if the server cannot be reached, rejects the key, or does not serve the model
     */
    public static HttpTextGenerator open(HttpModelSettings settings) {
        Objects.requireNonNull(settings, "settings");
        if (ResponseCompletionPool.startsThreadPerResponse() && POOL_HINT_LOGGED.compareAndSet(false, true)) {
            LOG.info("each HTTP model call will start a thread to complete its response (the JDK's default for a common "
                    + "pool below two threads); -D{}=2 avoids it", ResponseCompletionPool.PARALLELISM_PROPERTY);
        }
        ExecutorService threads = Executors.newCachedThreadPool(daemon("http-send"));
        HttpClient client = HttpClient.newBuilder()
                // servers stream over HTTP/1.1; an h2c upgrade attempt would only cost a round trip
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                // the client's own tasks run where they arise: a stream's chunks are read, split and parsed on the
                // selector thread that received them, rather than each handed to another thread (a wake-up per
                // token, which cost more than the parsing); nothing on that path blocks
                .executor(Runnable::run)
                .build();
        try {
            String model = resolveServedModel(settings, client);
            return new HttpTextGenerator(settings, model, client, threads);
        } catch (RuntimeException e) {
            threads.shutdownNow();
            throw e;
        }
    }

    /** The {@code model} every request names. */
    public String servedModel() {
        return servedModel;
    }

    public HttpModelSettings settings() {
        return settings;
    }

    @Override
    public Generation submit(CompletionRequest request, DeltaListener listener) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        if (closed.get()) {
            return Generation.failed(closedError());
        }
        // a caller that takes no pieces and cuts nothing gets the text whole: no event to write, read and parse per token
        boolean whole = listener == DeltaListener.NONE && request.stop() == StopCondition.NEVER;
        byte[] body;
        try {
            body = bodies.buildBytes(request, !whole);
        } catch (IllegalArgumentException e) {
            return Generation.failed(new GenerationException("request " + request.id() + ": " + e.getMessage(), e));
        }
        StreamingCall call = new StreamingCall(request, listener, endpoint, parser, whole, settings.endOfAnswerToken(),
                inFlight::remove);
        inFlight.add(call);
        if (closed.get()) {
            call.abort(closedError()); // closed between the check and the add: close() may have missed it
            return call;
        }
        HttpRequest.Builder http = HttpRequest.newBuilder(endpointUri)
                .header("Content-Type", "application/json")
                .header("Accept", whole ? "application/json" : "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        settings.apiKey().value().ifPresent(key -> http.header("Authorization", "Bearer " + key));
        send(call, http.build(), sendsOnCallerThread);
        return call;
    }

    /**
     * Sends the request. With the inline executor above, the client's first steps run on the sending thread: opening
     * a connection (non-blocking) or taking a pooled one, and writing the request (non-blocking too), but first
     * resolving the host's name, which may wait for DNS. So a request goes out on the caller's thread (a stream
     * thread) only to an address literal such as 127.0.0.1, and otherwise on a thread of ours: a hand-over that costs
     * a thread wake-up per call. A resend after a stale pooled connection, which comes on the client's selector thread,
     * goes through a thread of ours too.
     */
    private void send(StreamingCall call, HttpRequest built, boolean here) {
        Runnable sending = () -> {
            if (call.completion().isDone()) {
                return; // cancelled (or the generator closed) before it was sent
            }
            try {
                call.exchangeStarted(client.sendAsync(built, call::bodySubscriber), () -> send(call, built, false));
            } catch (RuntimeException e) {
                call.abort(new GenerationException("request " + call.requestId() + ": " + endpoint
                        + " could not be sent: " + e.getMessage(), e));
            }
        };
        if (here) {
            sending.run();
            return;
        }
        try {
            senders.execute(sending);
        } catch (RejectedExecutionException e) {
            call.abort(closedError()); // closed meanwhile
        }
    }

    /** Whether {@code host} (as a URI gives it) is an IPv4 or a bracketed IPv6 address, which needs no name lookup. */
    static boolean isAddressLiteral(String host) {
        return host != null && (host.startsWith("[") || IPV4.matcher(host).matches());
    }

    /** How many requests are streaming now. */
    public int inFlight() {
        return inFlight.size();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        watchdog.shutdownNow();
        for (StreamingCall call : new ArrayList<>(inFlight)) {
            call.abort(closedError());
        }
        senders.shutdownNow();
    }

    @Override
    public String toString() {
        return "HttpTextGenerator[" + settings.server().configValue() + " " + servedModel + " at " + settings.baseUrl()
                + "]";
    }

    private void checkTimeouts() {
        long now = System.nanoTime();
        for (StreamingCall call : inFlight) {
            try {
                checkTimeout(call, now);
            } catch (RuntimeException e) {
                // caught here, call by call: a periodic task that throws is never run again, and no call would time out
                LOG.error("checking the timeouts of HTTP request {} failed", call.requestId(), e);
            }
        }
    }

    private void checkTimeout(StreamingCall call, long now) {
        boolean started = call.heardFromServer();
        long silent = call.silentNanos(now);
        if (!started && silent > settings.firstByteTimeout().toNanos()) {
            call.timedOut("sent nothing within the first-byte timeout of " + settings.firstByteTimeout().toMillis()
                    + " ms");
        } else if (started && silent > settings.chunkTimeout().toNanos()) {
            call.timedOut("went silent for longer than the chunk timeout of " + settings.chunkTimeout().toMillis()
                    + " ms");
        }
    }

    private GenerationException closedError() {
        return new GenerationException("the HTTP backend for " + settings.baseUrl() + " is closed");
    }

    private static String resolveServedModel(HttpModelSettings settings, HttpClient client) {
        URI models = settings.endpoint("models");
        HttpRequest.Builder probe = HttpRequest.newBuilder(models).GET()
                .timeout(Duration.ofMillis(Math.max(PROBE_TIMEOUT_FLOOR_MS,
                        settings.connectTimeout().toMillis() + settings.chunkTimeout().toMillis())));
        settings.apiKey().value().ifPresent(key -> probe.header("Authorization", "Bearer " + key));
        HttpResponse<String> response;
        try {
            response = client.send(probe.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new HttpBackendException("cannot reach the " + settings.server().configValue() + " server at "
                    + settings.baseUrl() + ": " + HttpFailures.transport("probe", "GET " + models, e).getMessage()
                    .replaceFirst("^request probe: ", ""), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpBackendException("interrupted while probing " + models, e);
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new HttpBackendException("the server at " + settings.baseUrl() + " rejected "
                    + (settings.apiKey().isPresent() ? "the API key" : "a request without an API key")
                    + " (HTTP " + status + "); set the key setting for this model");
        }
        if (status != 200) {
            throw new HttpBackendException("GET " + models + " answered HTTP " + status
                    + HttpFailures.serverMessage(response.body()).map(text -> ": " + text).orElse("")
                    + "; is " + settings.baseUrl() + " the API root (it usually ends in /v1)?");
        }
        List<String> listed = listedModels(response.body(), models);
        if (settings.servedModel().isEmpty()) {
            if (listed.isEmpty()) {
                throw new HttpBackendException("GET " + models + " lists no model; name one with served-model");
            }
            return listed.get(0);
        }
        // Ollama lists "name:tag" and takes a bare name as "name:latest"
        boolean served = listed.contains(settings.servedModel()) || settings.server() == ServerKind.OLLAMA
                && listed.contains(settings.servedModel() + ":latest");
        if (!listed.isEmpty() && !served) {
            throw new HttpBackendException("the server at " + settings.baseUrl() + " does not serve '"
                    + settings.servedModel() + "'; it lists " + String.join(", ", listed));
        }
        return settings.servedModel();
    }

    private static List<String> listedModels(String body, URI models) {
        JsonNode data;
        try {
            data = JSON.readTree(body).path("data");
        } catch (IOException e) {
            throw new HttpBackendException("GET " + models + " did not answer JSON: " + ChunkParser.excerpt(body), e);
        }
        List<String> ids = new ArrayList<>();
        data.forEach(model -> {
            if (model.path("id").isTextual()) {
                ids.add(model.get("id").textValue());
            }
        });
        return ids;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
