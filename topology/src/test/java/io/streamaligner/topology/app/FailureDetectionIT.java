package io.streamaligner.topology.app;

import io.streamaligner.topology.broker.EmbeddedKafkaBroker;
import io.streamaligner.topology.testing.SharedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("integration")
@ExtendWith(SharedKafkaBroker.class)
class FailureDetectionIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @Test
    void shouldShortenSessionsAndTransactionsWhereTheConfigurationSetsNone(EmbeddedKafkaBroker broker) {
        Properties defaults = exactlyOnce();
        Properties own = exactlyOnce();
        own.put("session.timeout.ms", 10_000);
        own.put("producer.transaction.timeout.ms", 20_000);
        Properties streamsProtocol = exactlyOnce();
        streamsProtocol.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams");
        Properties ownHeartbeatAndCommit = exactlyOnce();
        ownHeartbeatAndCommit.put("heartbeat.interval.ms", 3_000);
        ownHeartbeatAndCommit.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "5000");

        try (Admin admin = admin(broker)) {
            FailureDetection.apply(defaults, admin, TIMEOUT);
            FailureDetection.apply(own, admin, TIMEOUT);
            FailureDetection.apply(streamsProtocol, admin, TIMEOUT);
            FailureDetection.apply(ownHeartbeatAndCommit, admin, TIMEOUT);
        }

        assertThat(defaults).containsEntry("main.consumer.session.timeout.ms", 3_000)
                .containsEntry("main.consumer.heartbeat.interval.ms", 500)
                .containsEntry("producer.transaction.timeout.ms", 3_000);
        assertThat(own).doesNotContainKey("main.consumer.session.timeout.ms").doesNotContainKey("main.consumer.heartbeat.interval.ms")
                .containsEntry("producer.transaction.timeout.ms", 20_000);
        assertThat(streamsProtocol).doesNotContainKey("main.consumer.session.timeout.ms")
                .doesNotContainKey("producer.transaction.timeout.ms");
        assertThat(ownHeartbeatAndCommit).as("a session the heartbeat was not chosen for is not imposed")
                .doesNotContainKey("main.consumer.session.timeout.ms").doesNotContainKey("main.consumer.heartbeat.interval.ms")
                .as("no shorter than the commit interval, which Kafka Streams requires")
                .containsEntry("producer.transaction.timeout.ms", 5_000);
    }

    @Test
    void shouldKeepTheSessionNoShorterThanTheBrokersMinimum() {
        Properties properties = exactlyOnce();
        try (EmbeddedKafkaBroker strict = EmbeddedKafkaBroker.start(0, dataDir, Map.of("group.min.session.timeout.ms", "6000"));
             Admin admin = admin(strict)) {
            FailureDetection.apply(properties, admin, TIMEOUT);
        }

        assertThat(properties).containsEntry("main.consumer.session.timeout.ms", 6_000)
                .containsEntry("main.consumer.heartbeat.interval.ms", 1_000);
    }

    private static Properties exactlyOnce() {
        Properties properties = new Properties();
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        return properties;
    }

    private static Admin admin(EmbeddedKafkaBroker broker) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }
}
