package io.streamaligner.topology.config;

import static java.util.Objects.requireNonNull;

import io.streamaligner.inference.onnx.EngineOptions;
import io.streamaligner.inference.onnx.ExecutionProvider;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The application's resolved configuration: typed settings of its own plus every Kafka client and Streams
 * property, passed through untouched (security settings included).
 *
 * <p>Settings are flat {@code key=value} pairs, the same in a properties file, an environment variable
 * and a {@code -D} flag (see {@link ConfigResolver} for where they come from). The application's own
 * keys start with {@value #PREFIX}; every other key is a Kafka property:
 * <pre>
 * bootstrap.servers=broker:9092                     # none: the application starts an embedded broker
 * processing.guarantee=exactly_once_v2              # or at_least_once
 * security.protocol=SASL_SSL                        # any client or Streams property passes through
 * streamaligner.topic.prefix=sa.                    # topics become sa.prompts, sa.responses, ...
 * streamaligner.topic.partitions=4
 * streamaligner.data.dir=/var/lib/stream-aligner    # none: a fresh temporary directory
 * streamaligner.upstream.model=./models/toy-math-upstream
 * streamaligner.aligner.model=./models/toy-math-aligner
 * streamaligner.upstream.template=llama3            # none: the model folder's own template
 * streamaligner.aligner.template=gemma
 * streamaligner.engine.provider=cpu                 # or cuda (needs the -Pcuda build and CUDA 12 + cuDNN 9)
 * streamaligner.engine.device=0                     # the CUDA device
 * streamaligner.engine.cpu.fallback=false           # run on the CPU if CUDA cannot load (never implicit)
 * streamaligner.engine.threads=1                    # ONNX Runtime threads per operator, per model; 0: one per core
 * </pre>
 *
 * @param bootstrapServers        the Kafka cluster, or empty for an embedded broker
 * @param applicationId           Kafka Streams' {@code application.id}, also the consumer group
 * @param processingGuarantee     Kafka Streams' {@code processing.guarantee}
 * @param topicPrefix             put before every topic name; may be empty
 * @param partitions              partitions of the topics the application creates
 * @param dataDir                 where state (and an embedded broker's logs) go, or empty for a temporary directory
 * @param upstreamModelDir        the upstream model's folder
 * @param alignerModelDir         the aligner model's folder
 * @param upstreamTemplate        a chat template name overriding the upstream model folder's own
 * @param alignerTemplate         a chat template name overriding the aligner model folder's own
 * @param engine                  how both models run (execution provider, device, threads)
 * @param kafkaPassThrough        all other Kafka properties, as given
 */
public record StreamAlignerConfig(
        Optional<String> bootstrapServers,
        String applicationId,
        ProcessingGuarantee processingGuarantee,
        String topicPrefix,
        int partitions,
        Optional<Path> dataDir,
        Path upstreamModelDir,
        Path alignerModelDir,
        Optional<String> upstreamTemplate,
        Optional<String> alignerTemplate,
        EngineOptions engine,
        Map<String, String> kafkaPassThrough) {

    /** The namespace of the application's own settings. */
    public static final String PREFIX = "streamaligner.";
    public static final String TOPIC_PREFIX = PREFIX + "topic.prefix";
    public static final String TOPIC_PARTITIONS = PREFIX + "topic.partitions";
    public static final String DATA_DIR = PREFIX + "data.dir";
    public static final String UPSTREAM_MODEL = PREFIX + "upstream.model";
    public static final String ALIGNER_MODEL = PREFIX + "aligner.model";
    public static final String UPSTREAM_TEMPLATE = PREFIX + "upstream.template";
    public static final String ALIGNER_TEMPLATE = PREFIX + "aligner.template";
    public static final String ENGINE_PROVIDER = PREFIX + "engine.provider";
    public static final String ENGINE_DEVICE = PREFIX + "engine.device";
    public static final String ENGINE_CPU_FALLBACK = PREFIX + "engine.cpu.fallback";
    public static final String ENGINE_THREADS = PREFIX + "engine.threads";
    /** Every key of the application's own; any other {@value #PREFIX} key is a typo and rejected. */
    public static final Set<String> APP_KEYS = Set.of(TOPIC_PREFIX, TOPIC_PARTITIONS, DATA_DIR, UPSTREAM_MODEL,
            ALIGNER_MODEL, UPSTREAM_TEMPLATE, ALIGNER_TEMPLATE, ENGINE_PROVIDER, ENGINE_DEVICE, ENGINE_CPU_FALLBACK,
            ENGINE_THREADS);

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

    public StreamAlignerConfig {
        requireNonNull(bootstrapServers, "bootstrapServers");
        requireNonNull(applicationId, "applicationId");
        requireNonNull(processingGuarantee, "processingGuarantee");
        requireNonNull(topicPrefix, "topicPrefix");
        requireNonNull(dataDir, "dataDir");
        requireNonNull(upstreamModelDir, "upstreamModelDir");
        requireNonNull(alignerModelDir, "alignerModelDir");
        requireNonNull(upstreamTemplate, "upstreamTemplate");
        requireNonNull(alignerTemplate, "alignerTemplate");
        requireNonNull(engine, "engine");
        if (applicationId.isBlank()) {
            throw new ConfigurationException(APPLICATION_ID + " must not be blank");
        }
        if (partitions < 1) {
            throw new ConfigurationException(TOPIC_PARTITIONS + " must be at least 1, was " + partitions);
        }
        kafkaPassThrough = Map.copyOf(requireNonNull(kafkaPassThrough, "kafkaPassThrough"));
        for (String key : kafkaPassThrough.keySet()) {
            if (key.startsWith(PREFIX) || key.equals(BOOTSTRAP_SERVERS) || key.equals(APPLICATION_ID) || key.equals(PROCESSING_GUARANTEE)) {
                throw new IllegalArgumentException("kafkaPassThrough must not hold the typed setting " + key);
            }
        }
    }

    /**
     * Reads settings (merged from all sources) into a configuration, with defaults for what is absent.
     *
     * @throws ConfigurationException for a malformed value or an unknown {@value #PREFIX} key
     */
    public static StreamAlignerConfig fromSettings(Map<String, String> settings) {
        requireNonNull(settings, "settings");
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
        return new StreamAlignerConfig(
                nonBlank(settings, BOOTSTRAP_SERVERS),
                nonBlank(settings, APPLICATION_ID).orElse(DEFAULT_APPLICATION_ID),
                nonBlank(settings, PROCESSING_GUARANTEE).map(ProcessingGuarantee::fromConfigValue)
                        .orElse(ProcessingGuarantee.EXACTLY_ONCE_V2),
                settings.getOrDefault(TOPIC_PREFIX, "").strip(),
                nonBlank(settings, TOPIC_PARTITIONS).map(StreamAlignerConfig::parsePartitions).orElse(DEFAULT_PARTITIONS),
                nonBlank(settings, DATA_DIR).map(StreamAlignerConfig::absolutePath),
                nonBlank(settings, UPSTREAM_MODEL).map(StreamAlignerConfig::absolutePath)
                        .orElseGet(() -> BundledModels.folder(BundledModels.UPSTREAM)),
                nonBlank(settings, ALIGNER_MODEL).map(StreamAlignerConfig::absolutePath)
                        .orElseGet(() -> BundledModels.folder(BundledModels.ALIGNER)),
                nonBlank(settings, UPSTREAM_TEMPLATE),
                nonBlank(settings, ALIGNER_TEMPLATE),
                engineOptions(settings),
                passThrough);
    }

    /** The full name of a topic: the prefix, then {@code name}. */
    public String topic(String name) {
        return topicPrefix + requireNonNull(name, "name");
    }

    /** The same configuration on another Kafka cluster, e.g. an embedded broker started for it. */
    public StreamAlignerConfig withBootstrapServers(String servers) {
        return new StreamAlignerConfig(Optional.of(requireNonNull(servers, "servers")), applicationId, processingGuarantee,
                topicPrefix, partitions, dataDir, upstreamModelDir, alignerModelDir, upstreamTemplate, alignerTemplate,
                engine, kafkaPassThrough);
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

    /** The settings that make this configuration, secrets masked: for logs and {@code --help}-style dumps. */
    public Map<String, String> describe() {
        Map<String, String> described = new TreeMap<>();
        kafkaProperties().forEach((key, value) -> described.put((String) key, isSecret((String) key) ? "[hidden]" : (String) value));
        described.put(TOPIC_PREFIX, topicPrefix);
        described.put(TOPIC_PARTITIONS, String.valueOf(partitions));
        described.put(DATA_DIR, dataDir.map(Path::toString).orElse("(temporary)"));
        described.put(UPSTREAM_MODEL, upstreamModelDir.toString());
        described.put(ALIGNER_MODEL, alignerModelDir.toString());
        described.put(UPSTREAM_TEMPLATE, upstreamTemplate.orElse("(model's own)"));
        described.put(ALIGNER_TEMPLATE, alignerTemplate.orElse("(model's own)"));
        described.put(ENGINE_PROVIDER, engine.provider().name().toLowerCase(Locale.ROOT));
        described.put(ENGINE_DEVICE, String.valueOf(engine.deviceIndex()));
        described.put(ENGINE_CPU_FALLBACK, String.valueOf(engine.fallbackToCpu()));
        described.put(ENGINE_THREADS, String.valueOf(engine.intraOpThreads()));
        return described;
    }

    private static boolean isSecret(String key) {
        return key.contains("password") || key.contains("jaas") || key.contains("secret") || key.endsWith(".key");
    }

    private static Optional<String> nonBlank(Map<String, String> settings, String key) {
        return Optional.ofNullable(settings.get(key)).map(String::strip).filter(value -> !value.isEmpty());
    }

    private static int parsePartitions(String value) {
        return parseInt(TOPIC_PARTITIONS, value);
    }

    private static EngineOptions engineOptions(Map<String, String> settings) {
        ExecutionProvider provider = nonBlank(settings, ENGINE_PROVIDER).map(StreamAlignerConfig::parseProvider)
                .orElse(ExecutionProvider.CPU);
        int device = nonBlank(settings, ENGINE_DEVICE).map(value -> parseInt(ENGINE_DEVICE, value)).orElse(0);
        boolean fallback = nonBlank(settings, ENGINE_CPU_FALLBACK).map(StreamAlignerConfig::parseFallback).orElse(false);
        int threads = nonBlank(settings, ENGINE_THREADS).map(value -> parseInt(ENGINE_THREADS, value))
                .orElse(DEFAULT_ENGINE_THREADS);
        try {
            EngineOptions base = provider == ExecutionProvider.CUDA ? EngineOptions.cuda(device) : EngineOptions.cpu();
            return base.withFallbackToCpu(fallback).withIntraOpThreads(threads);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("invalid engine setting: " + e.getMessage(), e);
        }
    }

    private static ExecutionProvider parseProvider(String value) {
        try {
            return ExecutionProvider.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(ENGINE_PROVIDER + " must be cpu or cuda, was " + value, e);
        }
    }

    private static boolean parseFallback(String value) {
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new ConfigurationException(ENGINE_CPU_FALLBACK + " must be true or false, was " + value);
        }
        return Boolean.parseBoolean(value);
    }

    private static int parseInt(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigurationException(key + " must be a number, was " + value, e);
        }
    }

    private static Path absolutePath(String value) {
        return Path.of(value).toAbsolutePath().normalize();
    }
}
