package io.streamaligner.topology.config;

import static java.util.Objects.requireNonNull;

import io.streamaligner.client.Topics;
import io.streamaligner.inference.http.ApiKey;
import io.streamaligner.inference.onnx.EngineOptions;
import io.streamaligner.inference.onnx.ExecutionProvider;
import io.streamaligner.inference.template.TemplateArguments;
import io.streamaligner.loop.LoopLimits;
import io.streamaligner.topology.TopologySettings;
import io.streamaligner.topology.Wiring;
import io.streamaligner.topology.processor.InferenceSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The application's resolved configuration: typed settings of its own plus every Kafka client and Streams
 * property, passed through untouched (security settings included).
 *
 * <p>Settings are flat {@code key=value} pairs, the same in a properties file, an environment variable
 * and a {@code -D} flag (see {@link ConfigResolver} for where they come from). The application's own
 * keys start with {@value #PREFIX} ({@link #APP_KEYS}; README's configuration table lists each with its default);
 * every other key is a Kafka property.
 *
 * @param bootstrapServers    the Kafka cluster, or empty for an embedded broker
 * @param applicationId       Kafka Streams' {@code application.id}, also the consumer group
 * @param processingGuarantee Kafka Streams' {@code processing.guarantee}
 * @param topics              topic names and the partitions of the topics the application creates
 * @param dataDir             where state (and an embedded broker's logs) go, or empty for a temporary directory
 * @param upstream            the upstream model
 * @param aligner             the aligner model
 * @param engine              how both models run (execution provider, device, threads, batch rows)
 * @param topology            wiring, how model calls run, token and question size caps, progress retention
 * @param http                the application's HTTP port (metrics, health, the alignment gateway and the web view), off
 *                            by default
 * @param instanceId          this instance's static group membership id, if it has one
 * @param kafkaPassThrough    all other Kafka properties, as given
 */
public record StreamAlignerConfig(
        Optional<String> bootstrapServers,
        String applicationId,
        ProcessingGuarantee processingGuarantee,
        TopicSettings topics,
        Optional<Path> dataDir,
        ModelSettings upstream,
        ModelSettings aligner,
        EngineOptions engine,
        TopologySettings topology,
        HttpSettings http,
        Optional<String> instanceId,
        Map<String, String> kafkaPassThrough) {

    /** The namespace of the application's own settings. */
    public static final String PREFIX = "streamaligner.";
    public static final String TOPIC_PREFIX = PREFIX + "topic.prefix";
    public static final String TOPIC_PARTITIONS = PREFIX + "topic.partitions";
    /** {@code streamaligner.topic.prompts}, … : a contract topic's name (the prefix still goes before it). */
    public static final String TOPIC_NAME_PREFIX = PREFIX + "topic.";
    public static final String DATA_DIR = PREFIX + "data.dir";
    public static final String UPSTREAM_MODEL = PREFIX + "upstream.model";
    public static final String UPSTREAM_TEMPLATE = PREFIX + "upstream.template";
    /** Keyword arguments for the upstream's Jinja chat template; also sent to its server as chat_template_kwargs. */
    public static final String UPSTREAM_TEMPLATE_KWARGS = PREFIX + "upstream.template-kwargs";
    public static final String UPSTREAM_MAX_STEP_TOKENS = PREFIX + "upstream.max-step-tokens";
    public static final String ALIGNER_MODEL = PREFIX + "aligner.model";
    public static final String ALIGNER_TEMPLATE = PREFIX + "aligner.template";
    public static final String ALIGNER_TEMPLATE_KWARGS = PREFIX + "aligner.template-kwargs";
    public static final String ALIGNER_MAX_CORRECTION_TOKENS = PREFIX + "aligner.max-correction-tokens";
    public static final String ALIGNER_PROGRESS_RETENTION_MS = PREFIX + "aligner.progress-retention.ms";
    public static final String UPSTREAM_URL = PREFIX + "upstream.url";
    public static final String ALIGNER_URL = PREFIX + "aligner.url";
    /** The aligner's "answer complete" token, which its server reports as the stop reason. */
    public static final String ALIGNER_END_OF_ANSWER_TOKEN = PREFIX + "aligner.end-of-answer-token";
    public static final String DEFAULT_END_OF_ANSWER_TOKEN = "<|end_of_answer|>";
    /**
     * The settings of a model behind a server, under {@code streamaligner.upstream.} and {@code streamaligner.aligner.}
     * ({@code url} besides): which API, which server, the served model's name, the API key's source, the timeouts.
     */
    public static final List<String> SERVER_KEY_SUFFIXES = List.of("api", "server", "served-model", "api-key-env",
            "api-key-file", "connect-timeout.ms", "first-byte-timeout.ms", "chunk-timeout.ms");
    public static final String TOPOLOGY_WIRING = PREFIX + "topology.wiring";
    public static final String LOOP_SPECULATE = PREFIX + "loop.speculate";
    public static final String REQUEST_MAX_QUESTION_BYTES = PREFIX + "request.max-question-bytes";
    public static final String HTTP_PORT = PREFIX + "http.port";
    public static final String HTTP_HOST = PREFIX + "http.host";
    /** The environment variable holding the key {@code /v1/*} (the alignment gateway) requires. */
    public static final String HTTP_API_KEY_ENV = PREFIX + "http.api-key-env";
    public static final String HTTP_CORS_ORIGINS = PREFIX + "http.cors-origins";
    public static final String HTTP_MAX_STREAMS = PREFIX + "http.max-streams";
    public static final String HTTP_KEPT_REQUESTS = PREFIX + "http.kept-requests";
    /** Static group membership: an instance restarted with the same id takes its tasks back at once. */
    public static final String INSTANCE_ID = PREFIX + "instance.id";
    public static final String INFERENCE_MAX_IN_FLIGHT = PREFIX + "inference.max-in-flight";
    public static final String INFERENCE_INTERVAL_MS = PREFIX + "inference.interval.ms";
    public static final String INFERENCE_CALL_TIMEOUT_MS = PREFIX + "inference.call-timeout.ms";
    public static final String INFERENCE_MAX_ATTEMPTS = PREFIX + "inference.max-attempts";
    public static final String INFERENCE_RETRY_BACKOFF_MS = PREFIX + "inference.retry-backoff.ms";
    public static final String ENGINE_PROVIDER = PREFIX + "engine.provider";
    public static final String ENGINE_DEVICE = PREFIX + "engine.device";
    public static final String ENGINE_CPU_FALLBACK = PREFIX + "engine.cpu.fallback";
    public static final String ENGINE_THREADS = PREFIX + "engine.threads";
    public static final String ENGINE_MAX_BATCH_SIZE = PREFIX + "engine.max-batch-size";
    public static final String ENGINE_PREFIX_CACHE_MB = PREFIX + "engine.prefix-cache-mb";
    /** Every key of the application's own; any other {@value #PREFIX} key is a typo and rejected. */
    public static final Set<String> APP_KEYS = appKeys();

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String APPLICATION_ID = "application.id";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";

    public static final String DEFAULT_APPLICATION_ID = "stream-aligner";
    public static final int DEFAULT_PARTITIONS = 4;
    /**
     * One thread per operator and model: the application runs two models beside Kafka's threads, and ONNX Runtime's
     * spinning thread pools starve each other on a small machine (on 2 cores a round of the toy loop took twice as
     * long with ONNX Runtime's own choice). Raise it for large models on many cores.
     */
    public static final int DEFAULT_ENGINE_THREADS = 1;
    private static final long MIB = 1024L * 1024;

    public StreamAlignerConfig {
        requireNonNull(bootstrapServers, "bootstrapServers");
        requireNonNull(applicationId, "applicationId");
        requireNonNull(processingGuarantee, "processingGuarantee");
        requireNonNull(topics, "topics");
        requireNonNull(dataDir, "dataDir");
        requireNonNull(upstream, "upstream");
        requireNonNull(aligner, "aligner");
        requireNonNull(engine, "engine");
        requireNonNull(topology, "topology");
        requireNonNull(http, "http");
        requireNonNull(instanceId, "instanceId");
        if (applicationId.isBlank()) {
            throw new ConfigurationException(APPLICATION_ID + " must not be blank");
        }
        kafkaPassThrough = Map.copyOf(requireNonNull(kafkaPassThrough, "kafkaPassThrough"));
        for (String key : kafkaPassThrough.keySet()) {
            if (key.startsWith(PREFIX) || key.equals(BOOTSTRAP_SERVERS) || key.equals(APPLICATION_ID) || key.equals(PROCESSING_GUARANTEE)) {
                throw new IllegalArgumentException("kafkaPassThrough must not hold the typed setting " + key);
            }
        }
    }

    /** The defaults: an embedded broker, the bundled models, the documented topic names. */
    public static StreamAlignerConfig defaults() {
        return fromSettings(Map.of());
    }

    /**
     * Reads settings (merged from all sources) into a configuration, with defaults for what is absent.
     *
     * @throws ConfigurationException for a malformed value or an unknown {@value #PREFIX} key
     */
    public static StreamAlignerConfig fromSettings(Map<String, String> settings) {
        return fromSettings(settings, System.getenv());
    }

    /**
     * As {@link #fromSettings(Map)}, reading the API keys that {@code streamaligner.*.api-key-env} names from
     * {@code environment}.
     */
    public static StreamAlignerConfig fromSettings(Map<String, String> settings, Map<String, String> environment) {
        requireNonNull(settings, "settings");
        requireNonNull(environment, "environment");
        Set<String> unknown = new TreeSet<>();
        Map<String, String> passThrough = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            if (key.startsWith(PREFIX)) {
                if (!APP_KEYS.contains(key)) {
                    unknown.add(key);
                }
            } else if (!key.equals(BOOTSTRAP_SERVERS) && !key.equals(APPLICATION_ID) && !key.equals(PROCESSING_GUARANTEE)) {
                passThrough.put(key, value);
            }
        });
        if (!unknown.isEmpty()) {
            throw new ConfigurationException("unknown setting(s) " + unknown + "; the application's own are " + new TreeSet<>(APP_KEYS));
        }
        SettingsReader read = new SettingsReader(settings);
        if (read.text(ALIGNER_END_OF_ANSWER_TOKEN).isPresent() && read.text(ALIGNER_URL).isEmpty()) {
            throw new ConfigurationException(ALIGNER_END_OF_ANSWER_TOKEN + " is set but " + ALIGNER_URL + " is not: the"
                    + " token is sent to the aligner's server (a model folder names its own in stream_aligner.json)");
        }
        Map<String, String> topicNames = new LinkedHashMap<>();
        Topics.CONTRACT_NAMES.forEach(name -> read.text(TOPIC_NAME_PREFIX + name).ifPresent(value -> topicNames.put(name, value)));
        return new StreamAlignerConfig(
                read.text(BOOTSTRAP_SERVERS),
                read.text(APPLICATION_ID).orElse(DEFAULT_APPLICATION_ID),
                read.text(PROCESSING_GUARANTEE).map(ProcessingGuarantee::fromConfigValue).orElse(ProcessingGuarantee.EXACTLY_ONCE_V2),
                read.build(TOPIC_PARTITIONS, () -> new TopicSettings(settings.getOrDefault(TOPIC_PREFIX, "").strip(), topicNames,
                        read.integer(TOPIC_PARTITIONS, DEFAULT_PARTITIONS))),
                read.text(DATA_DIR).map(StreamAlignerConfig::absolutePath),
                modelSettings(read, environment, "upstream", UPSTREAM_MODEL, BundledModels.UPSTREAM, UPSTREAM_TEMPLATE,
                        UPSTREAM_TEMPLATE_KWARGS, Optional.empty()),
                modelSettings(read, environment, "aligner", ALIGNER_MODEL, BundledModels.ALIGNER, ALIGNER_TEMPLATE,
                        ALIGNER_TEMPLATE_KWARGS,
                        Optional.of(read.text(ALIGNER_END_OF_ANSWER_TOKEN).orElse(DEFAULT_END_OF_ANSWER_TOKEN))),
                engineOptions(read),
                topologySettings(read),
                httpSettings(read, environment),
                read.text(INSTANCE_ID),
                passThrough);
    }

    private static HttpSettings httpSettings(SettingsReader read, Map<String, String> environment) {
        ApiKey apiKey = read.text(HTTP_API_KEY_ENV).map(variable -> {
            try {
                return ApiKey.fromEnvironment(variable, environment);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(HTTP_API_KEY_ENV + ": " + e.getMessage(), e);
            }
        }).orElse(ApiKey.NONE);
        return read.build("streamaligner.http.*", () -> new HttpSettings(
                read.text(HTTP_PORT).map(port -> OptionalInt.of(read.integer(HTTP_PORT, 0))).orElse(OptionalInt.empty()),
                read.text(HTTP_HOST).orElse(HttpSettings.DEFAULT_HOST),
                apiKey,
                read.text(HTTP_CORS_ORIGINS).map(HttpSettings::parseOrigins).orElse(List.of()),
                read.integer(HTTP_MAX_STREAMS, HttpSettings.DEFAULT_MAX_STREAMS),
                read.integer(HTTP_KEPT_REQUESTS, HttpSettings.DEFAULT_KEPT_REQUESTS)));
    }

    private static ModelSettings modelSettings(SettingsReader read, Map<String, String> environment, String model,
                                               String folderKey, String bundledName, String templateKey,
                                               String argumentsKey, Optional<String> endOfAnswer) {
        Optional<String> template = read.text(templateKey);
        TemplateArguments arguments = read.parsed(argumentsKey, TemplateArguments::parse,
                "name=value pairs separated by commas, such as enable_thinking=false").orElse(TemplateArguments.NONE);
        return new ModelSettings(read.text(folderKey).map(StreamAlignerConfig::absolutePath)
                .orElseGet(() -> BundledModels.folder(bundledName)), template, arguments,
                ServerSettings.read(read, environment, model, template, arguments, endOfAnswer));
    }

    /** The full name of a contract topic, e.g. {@code topic(Topics.PROMPTS)}. */
    public String topic(String contractName) {
        return topics.topic(contractName);
    }

    /** The loop's topics with their full names. */
    public Topics topicNames() {
        return topics.topics();
    }

    /** The same configuration on another Kafka cluster, e.g. an embedded broker started for it. */
    public StreamAlignerConfig withBootstrapServers(String servers) {
        return new StreamAlignerConfig(Optional.of(requireNonNull(servers, "servers")), applicationId, processingGuarantee,
                topics, dataDir, upstream, aligner, engine, topology, http, instanceId, kafkaPassThrough);
    }

    /** The same configuration with the HTTP port on {@code port} (0: a free one). */
    public StreamAlignerConfig withHttpPort(int port) {
        return new StreamAlignerConfig(bootstrapServers, applicationId, processingGuarantee, topics, dataDir, upstream,
                aligner, engine, topology, http.withPort(port), instanceId, kafkaPassThrough);
    }

    /**
     * Every Kafka property for clients and Streams: the passed-through ones, {@code application.id},
     * {@code processing.guarantee} and, when known, {@code bootstrap.servers}. A fresh copy each call.
     */
    public Properties kafkaProperties() {
        Properties properties = new Properties();
        properties.putAll(kafkaPassThrough);
        properties.put(APPLICATION_ID, applicationId);
        properties.put(PROCESSING_GUARANTEE, processingGuarantee.configValue());
        bootstrapServers.ifPresent(servers -> properties.put(BOOTSTRAP_SERVERS, servers));
        return properties;
    }

    /** Every setting this configuration resolves to, the application's defaults included, secrets masked. */
    public Map<String, String> describe() {
        Map<String, String> described = new TreeMap<>();
        kafkaProperties().forEach((key, value) -> described.put((String) key, isSecret((String) key) ? "[hidden]" : (String) value));
        described.put(TOPIC_PREFIX, topics.prefix());
        described.put(TOPIC_PARTITIONS, String.valueOf(topics.partitions()));
        Topics names = topicNames();
        List<String> fullNames = names.names();
        for (int i = 0; i < Topics.CONTRACT_NAMES.size(); i++) {
            described.put(TOPIC_NAME_PREFIX + Topics.CONTRACT_NAMES.get(i), fullNames.get(i));
        }
        described.put(DATA_DIR, dataDir.map(Path::toString).orElse("(temporary)"));
        ServerSettings.describe(described, "upstream", upstream);
        ServerSettings.describe(described, "aligner", aligner);
        aligner.server().flatMap(server -> server.endOfAnswerToken())
                .ifPresent(token -> described.put(ALIGNER_END_OF_ANSWER_TOKEN, token));
        described.put(UPSTREAM_MODEL, upstream.folder().toString());
        described.put(UPSTREAM_TEMPLATE, upstream.template().orElse("(model's own)"));
        described.put(UPSTREAM_TEMPLATE_KWARGS, upstream.templateArguments().isEmpty() ? "(none)"
                : upstream.templateArguments().toString());
        described.put(UPSTREAM_MAX_STEP_TOKENS, String.valueOf(topology.limits().maxUpstreamStepTokens()));
        described.put(ALIGNER_MODEL, aligner.folder().toString());
        described.put(ALIGNER_TEMPLATE, aligner.template().orElse("(model's own)"));
        described.put(ALIGNER_TEMPLATE_KWARGS, aligner.templateArguments().isEmpty() ? "(none)"
                : aligner.templateArguments().toString());
        described.put(ALIGNER_MAX_CORRECTION_TOKENS, String.valueOf(topology.limits().maxCorrectionTokens()));
        described.put(ALIGNER_PROGRESS_RETENTION_MS, String.valueOf(topology.progressRetention().toMillis()));
        described.put(TOPOLOGY_WIRING, topology.wiring().configValue());
        described.put(LOOP_SPECULATE, String.valueOf(topology.speculate()));
        described.put(REQUEST_MAX_QUESTION_BYTES, String.valueOf(topology.limits().maxQuestionBytes()));
        described.put(HTTP_PORT, http.port().isPresent() ? String.valueOf(http.port().getAsInt()) : "(off)");
        described.put(HTTP_HOST, http.host());
        // where the key comes from, never the key
        described.put(HTTP_API_KEY_ENV, http.apiKey().environmentVariable().orElse("(none)"));
        described.put(HTTP_CORS_ORIGINS, http.corsOrigins().isEmpty() ? "(none)" : String.join(",", http.corsOrigins()));
        described.put(HTTP_MAX_STREAMS, String.valueOf(http.maxStreams()));
        described.put(HTTP_KEPT_REQUESTS, String.valueOf(http.keptRequests()));
        described.put(INSTANCE_ID, instanceId.orElse(dataDir.isPresent() ? "(kept in the data directory)" : "(none)"));
        InferenceSettings inference = topology.inference();
        described.put(INFERENCE_MAX_IN_FLIGHT, String.valueOf(inference.maxInFlight()));
        described.put(INFERENCE_INTERVAL_MS, String.valueOf(inference.interval().toMillis()));
        described.put(INFERENCE_CALL_TIMEOUT_MS, String.valueOf(inference.callTimeout().toMillis()));
        described.put(INFERENCE_MAX_ATTEMPTS, String.valueOf(inference.maxAttempts()));
        described.put(INFERENCE_RETRY_BACKOFF_MS, String.valueOf(inference.retryBackoff().toMillis()));
        described.put(ENGINE_PROVIDER, engine.provider().name().toLowerCase(Locale.ROOT));
        described.put(ENGINE_DEVICE, String.valueOf(engine.deviceIndex()));
        described.put(ENGINE_CPU_FALLBACK, String.valueOf(engine.fallbackToCpu()));
        described.put(ENGINE_THREADS, String.valueOf(engine.intraOpThreads()));
        described.put(ENGINE_MAX_BATCH_SIZE, String.valueOf(engine.maxBatchSize()));
        described.put(ENGINE_PREFIX_CACHE_MB, String.valueOf(engine.prefixCacheBytes() / MIB));
        return described;
    }

    private static Set<String> appKeys() {
        Set<String> keys = new TreeSet<>(List.of(TOPIC_PREFIX, TOPIC_PARTITIONS, DATA_DIR, UPSTREAM_MODEL, UPSTREAM_TEMPLATE,
                UPSTREAM_TEMPLATE_KWARGS, UPSTREAM_MAX_STEP_TOKENS, ALIGNER_MODEL, ALIGNER_TEMPLATE, ALIGNER_TEMPLATE_KWARGS,
                ALIGNER_MAX_CORRECTION_TOKENS, ALIGNER_PROGRESS_RETENTION_MS, TOPOLOGY_WIRING, LOOP_SPECULATE,
                REQUEST_MAX_QUESTION_BYTES, HTTP_PORT, HTTP_HOST, HTTP_API_KEY_ENV, HTTP_CORS_ORIGINS, HTTP_MAX_STREAMS,
                HTTP_KEPT_REQUESTS, INSTANCE_ID, INFERENCE_MAX_IN_FLIGHT, INFERENCE_INTERVAL_MS,
                INFERENCE_CALL_TIMEOUT_MS, INFERENCE_MAX_ATTEMPTS, INFERENCE_RETRY_BACKOFF_MS, ENGINE_PROVIDER, ENGINE_DEVICE, ENGINE_CPU_FALLBACK, ENGINE_THREADS,
                ENGINE_MAX_BATCH_SIZE, ENGINE_PREFIX_CACHE_MB));
        Topics.CONTRACT_NAMES.forEach(name -> keys.add(TOPIC_NAME_PREFIX + name));
        keys.addAll(List.of(UPSTREAM_URL, ALIGNER_URL, ALIGNER_END_OF_ANSWER_TOKEN));
        for (String role : List.of("upstream", "aligner")) {
            SERVER_KEY_SUFFIXES.forEach(suffix -> keys.add(PREFIX + role + "." + suffix));
        }
        return Set.copyOf(keys);
    }

    private static boolean isSecret(String key) {
        return key.contains("password") || key.contains("jaas") || key.contains("secret") || key.endsWith(".key");
    }

    private static EngineOptions engineOptions(SettingsReader read) {
        ExecutionProvider provider = read.parsed(ENGINE_PROVIDER, value -> ExecutionProvider.valueOf(value.toUpperCase(Locale.ROOT)),
                "cpu or cuda").orElse(ExecutionProvider.CPU);
        int device = read.integer(ENGINE_DEVICE, 0);
        boolean fallback = read.bool(ENGINE_CPU_FALLBACK, false);
        int threads = read.integer(ENGINE_THREADS, DEFAULT_ENGINE_THREADS);
        int batchRows = read.integer(ENGINE_MAX_BATCH_SIZE, EngineOptions.DEFAULT_MAX_BATCH_SIZE);
        int prefixCacheMb = read.integer(ENGINE_PREFIX_CACHE_MB, (int) (EngineOptions.DEFAULT_PREFIX_CACHE_BYTES / MIB));
        return read.build("streamaligner.engine.*", () -> {
            EngineOptions base = provider == ExecutionProvider.CUDA ? EngineOptions.cuda(device) : EngineOptions.cpu();
            return base.withFallbackToCpu(fallback).withIntraOpThreads(threads).withMaxBatchSize(batchRows)
                    .withPrefixCacheBytes(prefixCacheMb * MIB);
        });
    }

    private static TopologySettings topologySettings(SettingsReader read) {
        Wiring wiring = read.parsed(TOPOLOGY_WIRING, Wiring::fromConfigValue, "in-memory or topics").orElse(Wiring.IN_MEMORY);
        InferenceSettings defaults = InferenceSettings.DEFAULTS;
        InferenceSettings inference = read.build("streamaligner.inference.*", () -> new InferenceSettings(
                read.integer(INFERENCE_MAX_IN_FLIGHT, defaults.maxInFlight()),
                Duration.ofMillis(read.longInteger(INFERENCE_INTERVAL_MS, defaults.interval().toMillis())),
                Duration.ofMillis(read.longInteger(INFERENCE_CALL_TIMEOUT_MS, defaults.callTimeout().toMillis())),
                read.integer(INFERENCE_MAX_ATTEMPTS, defaults.maxAttempts()),
                Duration.ofMillis(read.longInteger(INFERENCE_RETRY_BACKOFF_MS, defaults.retryBackoff().toMillis()))));
        LoopLimits limits = read.build("the token and question size caps", () -> new LoopLimits(
                read.integer(UPSTREAM_MAX_STEP_TOKENS, LoopLimits.DEFAULTS.maxUpstreamStepTokens()),
                read.integer(ALIGNER_MAX_CORRECTION_TOKENS, LoopLimits.DEFAULTS.maxCorrectionTokens()),
                read.integer(REQUEST_MAX_QUESTION_BYTES, LoopLimits.DEFAULTS.maxQuestionBytes())));
        Duration retention = Duration.ofMillis(read.longInteger(ALIGNER_PROGRESS_RETENTION_MS,
                TopologySettings.DEFAULT_PROGRESS_RETENTION.toMillis()));
        boolean speculate = read.bool(LOOP_SPECULATE, TopologySettings.DEFAULTS.speculate());
        return read.build(ALIGNER_PROGRESS_RETENTION_MS, () -> new TopologySettings(wiring, inference, limits, retention,
                speculate));
    }

    private static Path absolutePath(String value) {
        return Path.of(value).toAbsolutePath().normalize();
    }
}
