package io.streamaligner.topology.app;

import io.streamaligner.topology.app.AlignmentSession.Application;
import io.streamaligner.topology.config.StreamAlignerConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Where a command's questions go; the sessions themselves run in the commands' integration tests. */
class AlignmentSessionTest {

    private final StreamAlignerConfig embedded = StreamAlignerConfig.defaults();
    private final StreamAlignerConfig cluster = StreamAlignerConfig.fromSettings(Map.of("bootstrap.servers", "kafka:9092"));

    @Test
    void shouldStartAnEmbeddedBrokerAndTheApplicationWithoutServers() {
        assertThat(AlignmentSession.plan(embedded, Application.RUNNING_IF_SERVERS_GIVEN))
                .isEqualTo("starting an embedded Kafka broker and the application");
        assertThat(AlignmentSession.plan(embedded, Application.STARTED_HERE))
                .isEqualTo("starting an embedded Kafka broker and the application");
    }

    @Test
    void shouldAskTheRunningApplicationOrStartOneOnTheCluster() {
        assertThat(AlignmentSession.plan(cluster, Application.RUNNING_IF_SERVERS_GIVEN))
                .isEqualTo("asking the application on kafka:9092");
        assertThat(AlignmentSession.plan(cluster, Application.STARTED_HERE))
                .isEqualTo("starting the application on kafka:9092");
    }
}
