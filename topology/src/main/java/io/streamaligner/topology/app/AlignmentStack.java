package io.streamaligner.topology.app;

import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.topology.broker.EmbeddedKafkaBroker;
import io.streamaligner.topology.config.StreamAlignerConfig;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The application with a Kafka broker to run on: the configured cluster, or, when the configuration names no
 * {@code bootstrap.servers}, a single-node broker started in this process ({@link EmbeddedKafkaBroker}; its data
 * under {@code <streamaligner.data.dir>/broker}, or a temporary directory). What {@code run}, {@code ask},
 * {@code demo} and evaluations start, so that they work on a fresh machine with nothing else running.
 *
 * <pre>{@code
 * try (AlignmentStack stack = AlignmentStack.start(config);
 *      AlignmentClient client = AlignmentClient.connect(stack.config().kafkaProperties(), stack.config().topicNames(),
 *              AlignmentClient.DEFAULT_ANSWER_TIMEOUT)) {
 *     AnswerFinal answer = client.submit(AlignmentRequests.builder("What is 3 + 4 - 2?").build()).join();
 * }
 * }</pre>
 */
public final class AlignmentStack implements AutoCloseable {

    private final Optional<EmbeddedKafkaBroker> embeddedBroker;
    private final AlignmentApplication application;

    private AlignmentStack(Optional<EmbeddedKafkaBroker> embeddedBroker, AlignmentApplication application) {
        this.embeddedBroker = embeddedBroker;
        this.application = application;
    }

    /**
     * Starts an embedded broker when the configuration names no {@code bootstrap.servers}, then the application over
     * the configured models on it ({@link AlignmentApplication#start(StreamAlignerConfig)}).
     *
     * @throws io.streamaligner.topology.broker.EmbeddedBrokerException if the embedded broker cannot start
     * @throws ModelLoadException                                      if a model cannot be loaded
     * @throws ApplicationStartException                               if the application cannot start
     */
    public static AlignmentStack start(StreamAlignerConfig config) {
        return start(config, AlignmentApplication::start);
    }

    /** As {@link #start(StreamAlignerConfig)}, over models the caller owns and closes after the stack. */
    public static AlignmentStack start(StreamAlignerConfig config, AlignmentModels models) {
        Objects.requireNonNull(models, "models");
        return start(config, onBroker -> AlignmentApplication.start(onBroker, models));
    }

    private static AlignmentStack start(StreamAlignerConfig config, Function<StreamAlignerConfig, AlignmentApplication> app) {
        Objects.requireNonNull(config, "config");
        Optional<EmbeddedKafkaBroker> broker = config.bootstrapServers().isPresent() ? Optional.empty()
                : Optional.of(config.dataDir().map(dir -> EmbeddedKafkaBroker.start(0, dir.resolve("broker")))
                        .orElseGet(EmbeddedKafkaBroker::start));
        try {
            StreamAlignerConfig onBroker = broker.map(b -> config.withBootstrapServers(b.bootstrapServers())).orElse(config);
            return new AlignmentStack(broker, app.apply(onBroker));
        } catch (RuntimeException e) {
            broker.ifPresent(EmbeddedKafkaBroker::close);
            throw e;
        }
    }

    public AlignmentApplication application() {
        return application;
    }

    /** The configuration the application runs with; its bootstrap servers are the embedded broker's when one started. */
    public StreamAlignerConfig config() {
        return application.config();
    }

    public String bootstrapServers() {
        return application.bootstrapServers();
    }

    /** Where the application runs, for a command's report: "embedded broker at H:P" or "cluster at H:P". */
    public String describeKafka() {
        return (embeddedBroker.isPresent() ? "embedded broker at " : "cluster at ") + bootstrapServers();
    }

    /** The broker this stack started, if it started one. */
    public Optional<EmbeddedKafkaBroker> embeddedBroker() {
        return embeddedBroker;
    }

    /** Closes the application, then the embedded broker. */
    @Override
    public void close() {
        try {
            application.close();
        } finally {
            embeddedBroker.ifPresent(EmbeddedKafkaBroker::close);
        }
    }
}
