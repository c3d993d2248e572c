package io.streamaligner.topology.app;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How fast a dead instance's work moves on: the group must notice it ({@code session.timeout.ms}, heartbeats every
 * {@code heartbeat.interval.ms}), and under exactly_once_v2 its open transaction must be aborted before anyone can read
 * past it ({@code transaction.timeout.ms}, then the broker's next check for timed-out transactions). Kafka's defaults
 * (45 s sessions, Streams' 10 s transactions, a 10 s check) made the first answer after a {@code kill -9} come 45 s
 * later; with the defaults here it came within 5 s ({@code ops/faults/failover.sh}, README).
 *
 * <p>Each default applies only where the configuration sets no value of its own. A session cannot be shorter than the
 * broker's {@code group.min.session.timeout.ms} (6 s unless changed; the embedded broker allows 1 s): the session
 * becomes the broker's minimum then, and the log says what that costs. A transaction open longer than the timeout is
 * aborted by the broker and its task moves (nothing is lost under exactly_once_v2); the application's transactions
 * last about one commit interval, milliseconds.
 */
final class FailureDetection {

    static final int SESSION_TIMEOUT_MS = 3_000;
    static final int HEARTBEAT_INTERVAL_MS = 500;
    static final int TRANSACTION_TIMEOUT_MS = 3_000;
    static final String BROKER_MIN_SESSION = "group.min.session.timeout.ms";
    static final String BROKER_TRANSACTION_CHECK = "transaction.abort.timed.out.transaction.cleanup.interval.ms";

    private static final Logger LOG = LoggerFactory.getLogger(FailureDetection.class);

    private FailureDetection() {
    }

    /**
     * Puts the defaults into {@code properties} that they do not set; under the classic group protocol only (the
     * streams protocol takes its session from the group's configuration on the broker).
     */
    static void apply(Properties properties, Admin admin, Duration timeout) {
        Object protocol = properties.get(StreamsConfig.GROUP_PROTOCOL_CONFIG);
        if (protocol != null && !"classic".equalsIgnoreCase(protocol.toString())) {
            return;
        }
        Optional<Config> broker = brokerConfig(admin, timeout);
        // a heartbeat of the user's own was chosen for the session they expect, not for this one
        if (!setsConsumer(properties, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)
                && !setsConsumer(properties, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)) {
            int brokerMinimum = broker.map(config -> intValue(config, BROKER_MIN_SESSION, SESSION_TIMEOUT_MS)).orElse(SESSION_TIMEOUT_MS);
            int session = Math.max(SESSION_TIMEOUT_MS, brokerMinimum);
            if (session > SESSION_TIMEOUT_MS) {
                LOG.info("the brokers allow group sessions of {} ms at least, so a dead instance's tasks move after that"
                        + " long; {} <= {} on the brokers lets them move within about 5 s", session, BROKER_MIN_SESSION,
                        SESSION_TIMEOUT_MS);
            }
            properties.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), session);
            properties.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
                    Math.max(HEARTBEAT_INTERVAL_MS, session / 6));
        }
        boolean exactlyOnce = StreamsConfig.EXACTLY_ONCE_V2.equals(String.valueOf(properties.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)));
        if (exactlyOnce && !properties.containsKey(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)
                && !properties.containsKey(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG))) {
            // Kafka Streams refuses a transaction timeout shorter than the commit interval the user may have set
            properties.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
                    (int) Math.min(Integer.MAX_VALUE, Math.max(TRANSACTION_TIMEOUT_MS, commitIntervalMs(properties))));
            broker.map(config -> intValue(config, BROKER_TRANSACTION_CHECK, 0)).filter(check -> check > 1_000).ifPresent(check ->
                    LOG.info("the brokers look for timed-out transactions every {} ms, which a dead instance's partitions"
                            + " may wait for; {} = 500 on the brokers shortens that", check, BROKER_TRANSACTION_CHECK));
        }
    }

    private static long commitIntervalMs(Properties properties) {
        Object interval = properties.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
        try {
            return interval == null ? 0 : Long.parseLong(interval.toString().strip());
        } catch (NumberFormatException notANumber) {
            return 0; // Kafka Streams names the bad value itself
        }
    }

    private static boolean setsConsumer(Properties properties, String key) {
        return properties.containsKey(key) || properties.containsKey(StreamsConfig.consumerPrefix(key))
                || properties.containsKey(StreamsConfig.mainConsumerPrefix(key));
    }

    /** One broker's configuration, or empty when it cannot be read (no permission, say): the defaults then stand. */
    private static Optional<Config> brokerConfig(Admin admin, Duration timeout) {
        try {
            Collection<Node> nodes = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (nodes.isEmpty()) {
                return Optional.empty();
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, nodes.iterator().next().idString());
            return Optional.ofNullable(admin.describeConfigs(List.of(resource)).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource));
        } catch (ExecutionException | TimeoutException e) {
            LOG.info("cannot read the brokers' group settings ({}); assuming they allow {} ms sessions", e.toString(),
                    SESSION_TIMEOUT_MS);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static int intValue(Config config, String name, int fallback) {
        ConfigEntry entry = config.get(name);
        if (entry == null || entry.value() == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(entry.value());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
