package io.streamaligner.topology.app;

import io.streamaligner.client.Topics;
import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.topology.AlignmentTopology;
import io.streamaligner.topology.config.StreamAlignerConfig;
import io.streamaligner.topology.error.UserFixableException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.utils.Utils;
import io.streamaligner.topology.processor.ProcessingFailureDeadLetters;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Stream Aligner application: the loop of {@link AlignmentTopology} running as one Kafka Streams client over
 * the configured models, until {@link #close()}.
 *
 * <p>Reads {@code prompts} (clients' {@code AlignmentRequest}s, key = request id) and its own {@code feedback};
 * writes {@code responses} (per-sentence, final and error events), {@code upstream-tokens}, {@code sentences},
 * {@code feedback} and {@code dead-letter}, all named by {@link Topics} with the configured prefix. Starting it:
 * <ol>
 *   <li>opens the upstream and aligner models from their folders (a configured template name overrides the
 *       folder's own) — or takes {@link AlignmentModels} the caller owns;</li>
 *   <li>builds the topology with the configuration's {@link io.streamaligner.topology.TopologySettings};</li>
 *   <li>creates the topics that are missing, with the configured partitions ({@link TopicCreator});</li>
 *   <li>starts Kafka Streams and waits until it is RUNNING, or fails with an {@link ApplicationStartException}.</li>
 * </ol>
 * A stream thread that dies is replaced, unless threads keep dying ({@link StreamThreadFailures}).
 *
 * <pre>{@code
 * StreamAlignerConfig config = ConfigResolver.resolve(Optional.of(file), System.getenv(), Map.of());
 * try (AlignmentApplication app = AlignmentApplication.start(config)) {   // needs bootstrap.servers
 *     app.stopped().join();                                               // serves until closed or failed
 * }
 * }</pre>
 * Without a broker, {@link AlignmentStack#start} starts an embedded one first. From the command line:
 * {@code java -jar topology/target/stream-aligner.jar run [--bootstrap-servers H:P] [--config FILE]}.
 */
public final class AlignmentApplication implements AutoCloseable {

    /** How long {@code start} waits for topics and for Kafka Streams to reach RUNNING. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /** How long {@link #close()} lets Kafka Streams finish its batches and commit. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Stream threads when {@code num.stream.threads} is not configured: one per partition up to this. No thread
     * waits for a model, but under exactly_once_v2 each waits for its own transactions to commit: with several, one
     * forwards while another commits (on ops/bench/loop-throughput.sh, 1 or 2 threads did worse than 4).
     */
    public static final int MAX_DEFAULT_STREAM_THREADS = 4;

    private static final Logger LOG = LoggerFactory.getLogger(AlignmentApplication.class);

    private final StreamAlignerConfig config;
    private final Topics topics;
    private final AlignmentModels models;
    private final Optional<AutoCloseable> ownedModels;
    private final KafkaStreams streams;
    private final Optional<Path> temporaryStateDir;
    private final ApplicationMonitoring monitoring;
    private final Optional<ApplicationPort> port;
    private final CompletableFuture<KafkaStreams.State> stopped = new CompletableFuture<>();
    private boolean closed;

    private AlignmentApplication(StreamAlignerConfig config, Topics topics, AlignmentModels models,
                                 Optional<AutoCloseable> ownedModels, KafkaStreams streams, Optional<Path> temporaryStateDir,
                                 ApplicationMonitoring monitoring, Optional<ApplicationPort> port) {
        this.config = config;
        this.topics = topics;
        this.models = models;
        this.ownedModels = ownedModels;
        this.streams = streams;
        this.temporaryStateDir = temporaryStateDir;
        this.monitoring = monitoring;
        this.port = port;
    }

    /**
     * Opens the configured models (run as {@code streamaligner.engine.*} says) and starts the application over
     * them, as the configuration says (topics, wiring, batching, caps); it closes the models when it closes.
     *
     * @param config must name {@code bootstrap.servers} ({@link AlignmentStack#start} starts a broker when it does not)
     * @throws ModelLoadException         if a model folder cannot be loaded
     * @throws ApplicationStartException if the topics or Kafka Streams cannot be set up
     */
    public static AlignmentApplication start(StreamAlignerConfig config) {
        Objects.requireNonNull(config, "config");
        requireBootstrapServers(config);
        ApplicationMonitoring monitoring = ApplicationMonitoring.start();
        Optional<ApplicationPort> port = Optional.empty();
        try {
            // up first, so that a probe sees the instance start while the models load
            port = ApplicationPort.start(config, monitoring);
            LoadedModels loaded = LoadedModels.open(config);
            try {
                return start(config, loaded.models(), Optional.of(loaded), monitoring, port);
            } catch (RuntimeException e) {
                loaded.close();
                throw e;
            }
        } catch (RuntimeException e) {
            port.ifPresent(ApplicationPort::close);
            monitoring.close();
            throw e;
        }
    }

    /**
     * Starts the application over models the caller owns and closes after this application (in-test or
     * benchmark generators, or engines shared with an {@link io.streamaligner.loop.inprocess.InProcessAlignmentLoop}).
     *
     * @throws ApplicationStartException if the topics or Kafka Streams cannot be set up
     */
    public static AlignmentApplication start(StreamAlignerConfig config, AlignmentModels models) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(models, "models");
        ApplicationMonitoring monitoring = ApplicationMonitoring.start();
        Optional<ApplicationPort> port = Optional.empty();
        try {
            port = ApplicationPort.start(config, monitoring);
            return start(config, models, Optional.empty(), monitoring, port);
        } catch (RuntimeException e) {
            port.ifPresent(ApplicationPort::close);
            monitoring.close();
            throw e;
        }
    }

    private static AlignmentApplication start(StreamAlignerConfig config, AlignmentModels models,
                                              Optional<AutoCloseable> ownedModels, ApplicationMonitoring monitoring,
                                              Optional<ApplicationPort> port) {
        String bootstrapServers = requireBootstrapServers(config);
        monitoring.modelsLoaded();
        Topics topics = config.topicNames();
        Optional<Path> temporaryStateDir = config.dataDir().isPresent() ? Optional.empty() : Optional.of(createTemporaryStateDir());
        Path stateDir = temporaryStateDir.orElseGet(() -> config.dataDir().orElseThrow().resolve("streams"));
        Properties properties = streamsProperties(config, stateDir);
        try (Admin admin = Admin.create(adminProperties(config))) {
            TopicCreator.createMissing(admin, topics, config.topics().partitions(), START_TIMEOUT);
            FailureDetection.apply(properties, admin, START_TIMEOUT);
        }
        properties.put(ProcessingFailureDeadLetters.METRICS_CONFIG, monitoring.loopMetrics());
        KafkaStreams streams = new KafkaStreams(AlignmentTopology.buildTopology(topics, models, config.topology(),
                monitoring.loopMetrics()), properties);
        monitoring.watch(streams);
        AlignmentApplication application = new AlignmentApplication(config, topics, models, ownedModels, streams,
                temporaryStateDir, monitoring, port);
        application.run(bootstrapServers);
        try {
            // the loop's topics exist and Streams runs: what the gateway sends is answered
            port.ifPresent(http -> http.connectGateway(config));
        } catch (RuntimeException e) {
            application.close();
            throw e;
        }
        return application;
    }

    /**
     * The Kafka Streams properties the application runs with: {@link AlignmentTopology#streamsConfig}'s latency
     * defaults, {@code num.stream.threads} one per partition (at most {@value #MAX_DEFAULT_STREAM_THREADS}), the
     * state directory, then every Kafka property of the configuration, which wins over all of these.
     */
    public static Properties streamsProperties(StreamAlignerConfig config, Path stateDir) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(stateDir, "stateDir");
        Properties properties = AlignmentTopology.streamsConfig(config.applicationId(), requireBootstrapServers(config),
                config.processingGuarantee().configValue());
        properties.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Math.min(config.topics().partitions(), MAX_DEFAULT_STREAM_THREADS));
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        properties.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.topicNames().deadLetter().name());
        InstanceIdentity.of(config).ifPresent(id -> properties.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id));
        properties.putAll(config.kafkaProperties());
        return properties;
    }

    private void run(String bootstrapServers) {
        CompletableFuture<Void> running = new CompletableFuture<>();
        streams.setUncaughtExceptionHandler(new StreamThreadFailures());
        streams.setStateListener((newState, oldState) -> {
            LOG.debug("Kafka Streams {} -> {}", oldState, newState);
            if (newState == KafkaStreams.State.RUNNING) {
                running.complete(null);
            } else if (newState == KafkaStreams.State.ERROR || newState == KafkaStreams.State.NOT_RUNNING
                    || newState == KafkaStreams.State.PENDING_ERROR) {
                running.completeExceptionally(new ApplicationStartException("Kafka Streams went " + newState
                        + " while starting (see the log for the stream thread's error)"));
                if (newState == KafkaStreams.State.ERROR || newState == KafkaStreams.State.NOT_RUNNING) {
                    stopped.complete(newState);
                }
            }
        });
        try {
            streams.start();
            running.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("stream-aligner running on {}: {} -> {} ({}, {} partitions)", bootstrapServers,
                    topics.prompts().name(), topics.responses().name(), config.processingGuarantee().configValue(),
                    config.topics().partitions());
        } catch (ExecutionException e) {
            close();
            throw e.getCause() instanceof ApplicationStartException start ? start
                    : new ApplicationStartException("Kafka Streams failed to start", e.getCause());
        } catch (TimeoutException e) {
            close();
            throw new ApplicationStartException("Kafka Streams did not reach RUNNING within " + START_TIMEOUT
                    + " (state " + streams.state() + "; is the broker at " + bootstrapServers + " reachable?)", e);
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new ApplicationStartException("interrupted while starting Kafka Streams", e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The configuration the application runs with (its bootstrap servers included). */
    public StreamAlignerConfig config() {
        return config;
    }

    /** The loop's topics, with the configured prefix. */
    public Topics topics() {
        return topics;
    }

    /** The models the loop runs. */
    public AlignmentModels models() {
        return models;
    }

    public String bootstrapServers() {
        return requireBootstrapServers(config);
    }

    /** Kafka Streams' metrics (commit, poll and process latencies per thread, …), for monitoring and benchmarks. */
    public Map<MetricName, ? extends Metric> metrics() {
        return streams.metrics();
    }

    /** The instance's meters and health. */
    public ApplicationMonitoring monitoring() {
        return monitoring;
    }

    /** The HTTP port (metrics, health, the gateway and the web view), when one is configured. */
    public Optional<ApplicationPort> http() {
        return port;
    }

    /** Kafka Streams' current state. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * Completes with NOT_RUNNING once the application has been closed, or with ERROR once Kafka Streams shut down
     * on its own (threads kept dying): what a long-running process waits on.
     */
    public CompletableFuture<KafkaStreams.State> stopped() {
        return stopped.copy();
    }

    /**
     * Stops Kafka Streams within {@link #CLOSE_TIMEOUT}: it commits what is done and leaves the group, so that its tasks
     * move to the other instances at once (their pending model calls, restored from the changelogs, run again there;
     * calls still running here are cancelled). Then closes the models it opened, the HTTP port, the monitoring, and
     * deletes a temporary state directory. The gateway stops taking requests before all that.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // the gateway takes nothing more, and its open streams end with an error event saying why
        port.ifPresent(ApplicationPort::closeGateway);
        try {
            // a static member would otherwise keep its tasks until its session times out
            if (!streams.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP))) {
                LOG.warn("Kafka Streams did not stop within {}", CLOSE_TIMEOUT);
            }
        } finally {
            try {
                ownedModels.ifPresent(AlignmentApplication::closeModels);
            } finally {
                port.ifPresent(ApplicationPort::close);
                monitoring.close();
                temporaryStateDir.ifPresent(AlignmentApplication::deleteTemporaryStateDir);
                stopped.complete(streams.state());
            }
        }
    }

    private static String requireBootstrapServers(StreamAlignerConfig config) {
        return config.bootstrapServers().orElseThrow(() -> new IllegalArgumentException(
                "the configuration names no bootstrap.servers; AlignmentStack.start(config) starts an embedded broker"));
    }

    private static Map<String, Object> adminProperties(StreamAlignerConfig config) {
        Map<String, Object> admin = new HashMap<>();
        Properties kafka = config.kafkaProperties();
        for (String key : AdminClientConfig.configNames()) {
            if (kafka.containsKey(key)) {
                admin.put(key, kafka.get(key));
            }
        }
        return admin;
    }

    private static void closeModels(AutoCloseable models) {
        try {
            models.close();
        } catch (Exception e) {
            LOG.warn("closing the models failed", e);
        }
    }

    private static Path createTemporaryStateDir() {
        try {
            return Files.createTempDirectory("stream-aligner-state-");
        } catch (IOException e) {
            throw new UserFixableException("cannot create a temporary state directory: " + e.getMessage(), e);
        }
    }

    private static void deleteTemporaryStateDir(Path directory) {
        try {
            Utils.delete(directory.toFile());
        } catch (IOException e) {
            LOG.warn("cannot delete the temporary state directory {}", directory, e);
        }
    }
}
