package io.streamaligner.topology.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.LinkedHashMap;
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
    /** Every key of the application's own; any other {@value #PREFIX} key is a typo and rejected. */
    public static final Set<String> APP_KEYS = Set.of(TOPIC_PREFIX, TOPIC_PARTITIONS, DATA_DIR, UPSTREAM_MODEL,
            ALIGNER_MODEL, UPSTREAM_TEMPLATE, ALIGNER_TEMPLATE);

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String APPLICATION_ID = "application.id";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";

    public static final String DEFAULT_APPLICATION_ID = "stream-aligner";
    public static final int DEFAULT_PARTITIONS = 4;

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
                kafkaPassThrough);
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
        return described;
    }

    private static boolean isSecret(String key) {
        return key.contains("password") || key.contains("jaas") || key.contains("secret") || key.endsWith(".key");
    }

    private static Optional<String> nonBlank(Map<String, String> settings, String key) {
        return Optional.ofNullable(settings.get(key)).map(String::strip).filter(value -> !value.isEmpty());
    }

    private static int parsePartitions(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigurationException(TOPIC_PARTITIONS + " must be a number, was " + value, e);
        }
    }

    private static Path absolutePath(String value) {
        return Path.of(value).toAbsolutePath().normalize();
    }
}
