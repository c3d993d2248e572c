package io.streamaligner.topology.app;

import io.streamaligner.client.AlignmentClient;
import io.streamaligner.client.AlignmentClient.Subscription;
import io.streamaligner.client.AlignmentClientException;
import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.topology.config.StreamAlignerConfig;
import io.streamaligner.topology.error.UserFixableException;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The loop a command asks its questions of, with a client on it: either the application already running on the
 * configured cluster, or one this process starts for the command ({@link AlignmentStack}: on an embedded broker
 * when no {@code bootstrap.servers} is configured). The one place that decides where a question goes.
 *
 * <pre>{@code
 * try (AlignmentSession session = AlignmentSession.open(config, Application.STARTED_HERE, Duration.ofMinutes(5))) {
 *     AnswerFinal answer = session.await(session.client().submit(request), "request " + request.getRequestId());
 * }
 * }</pre>
 */
public final class AlignmentSession implements AutoCloseable {

    /** Which application answers. */
    public enum Application {
        /** The one running on the configured cluster; only without {@code bootstrap.servers} is one started here. */
        RUNNING_IF_SERVERS_GIVEN,
        /** One started in this process, on the configured cluster or an embedded broker. */
        STARTED_HERE
    }

    private final Optional<AlignmentStack> stack;
    private final AlignmentClient client;
    private final String kafka;

    private AlignmentSession(Optional<AlignmentStack> stack, AlignmentClient client, String kafka) {
        this.stack = stack;
        this.client = client;
        this.kafka = kafka;
    }

    /** What {@link #open} will do with this configuration, for a line the user reads before it starts. */
    public static String plan(StreamAlignerConfig config, Application application) {
        Optional<String> servers = config.bootstrapServers();
        if (servers.isEmpty()) {
            return "starting an embedded Kafka broker and the application";
        }
        return (startsApplication(config, application) ? "starting the application on " : "asking the application on ")
                + servers.get();
    }

    /**
     * Starts what {@link #plan} says and connects a client to the loop's topics.
     *
     * @param answerTimeout how long each question may take before its answer fails
     * @throws UserFixableException if the broker, the application or the topics cannot be reached or started
     */
    public static AlignmentSession open(StreamAlignerConfig config, Application application, Duration answerTimeout) {
        return open(config, application, answerTimeout, Subscription.RESPONSES);
    }

    /**
     * As {@link #open(StreamAlignerConfig, Application, Duration)}, with a client that reads what {@code subscription}
     * says (the upstream's provisional text too, for a command that shows it).
     */
    public static AlignmentSession open(StreamAlignerConfig config, Application application, Duration answerTimeout,
                                        Subscription subscription) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(subscription, "subscription");
        return open(config, startsApplication(config, application)
                ? Optional.of(AlignmentStack.start(config)) : Optional.empty(), answerTimeout, subscription);
    }

    /**
     * Starts the application here ({@link Application#STARTED_HERE}) over models the caller owns and closes after this
     * session (a teacher in the aligner's place), and connects a client to the loop's topics.
     *
     * @throws UserFixableException if the broker, the application or the topics cannot be reached or started
     */
    public static AlignmentSession open(StreamAlignerConfig config, AlignmentModels models, Duration answerTimeout) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(models, "models");
        return open(config, Optional.of(AlignmentStack.start(config, models)), answerTimeout, Subscription.RESPONSES);
    }

    private static AlignmentSession open(StreamAlignerConfig config, Optional<AlignmentStack> stack, Duration answerTimeout,
                                         Subscription subscription) {
        StreamAlignerConfig onBroker = stack.map(AlignmentStack::config).orElse(config);
        String kafka = stack.map(AlignmentStack::describeKafka)
                .orElseGet(() -> "cluster at " + onBroker.bootstrapServers().orElseThrow());
        try {
            return new AlignmentSession(stack, AlignmentClient.connect(onBroker.kafkaProperties(), onBroker.topicNames(),
                    answerTimeout, subscription), kafka);
        } catch (AlignmentClientException e) {
            stack.ifPresent(AlignmentStack::close);
            throw new UserFixableException("cannot reach the loop on the " + kafka + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            stack.ifPresent(AlignmentStack::close);
            throw e;
        }
    }

    private static boolean startsApplication(StreamAlignerConfig config, Application application) {
        return application == Application.STARTED_HERE || config.bootstrapServers().isEmpty();
    }

    public AlignmentClient client() {
        return client;
    }

    /** The application this session started, if it started one (its models serve in-process baselines too). */
    public Optional<AlignmentStack> stack() {
        return stack;
    }

    /** "embedded broker at H:P" or "cluster at H:P". */
    public String describeKafka() {
        return kafka;
    }

    /**
     * Waits for an answer the client promised.
     *
     * @param question names the question in the error, e.g. "request 1f3c…" or "question 2"
     * @throws UserFixableException when it did not come (timed out, could not be sent, the client closed)
     */
    public AnswerFinal await(CompletableFuture<AnswerFinal> answer, String question) throws InterruptedException {
        try {
            return answer.get();
        } catch (ExecutionException e) {
            throw new UserFixableException("no answer to " + question + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Closes the client, then the application and broker this session started. */
    @Override
    public void close() {
        try {
            client.close();
        } finally {
            stack.ifPresent(AlignmentStack::close);
        }
    }
}
