package io.streamaligner.ops.faults;

import io.streamaligner.topology.broker.EmbeddedKafkaBroker;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker stopped and started again on the same data directory and port while two {@code run} processes serve 100
 * requests: every request is answered once, as without the restart, and the application stays up.
 */
@Tag("integration")
class BrokerRestartIT {

    private static final int REQUESTS = 100;
    private static final int PARTITIONS = 4;

    @TempDir
    Path workDir;

    private EmbeddedKafkaBroker broker;

    @Test
    void shouldAnswerEveryRequestOnceWhenTheBrokerRestartsMidRun() throws Exception {
        Path brokerData = workDir.resolve("broker");
        broker = EmbeddedKafkaBroker.start(0, brokerData);
        int port = Integer.parseInt(broker.bootstrapServers().substring(broker.bootstrapServers().lastIndexOf(':') + 1));
        Fault brokerRestart = new Fault() {
            @Override
            public Set<Integer> inject(List<ApplicationProcess> instances) {
                broker.close();
                broker = EmbeddedKafkaBroker.start(port, brokerData);
                return new TreeSet<>(IntStream.range(0, PARTITIONS).boxed().toList());
            }

            @Override
            public String name() {
                return "broker-restart";
            }
        };
        try {
            FaultRun.Outcome outcome = FaultRun.run(broker.bootstrapServers(), new FaultRun.Setup(FaultTestSupport.jar(),
                    workDir, 2, PARTITIONS, REQUESTS, 10, List.of(), Duration.ofMinutes(5)), brokerRestart);

            System.out.println(outcome.line("broker-restart"));
            assertThat(outcome.finals()).isEqualTo(REQUESTS);
            assertThat(outcome.duplicates()).isZero();
            assertThat(outcome.errors()).isEmpty();
            assertThat(outcome.instancesStayedUp()).as("the application stayed up and stopped cleanly").isTrue();
            assertThat(ReferenceAnswers.byNumber(outcome.answers())).isEqualTo(ReferenceAnswers.of(REQUESTS));
        } finally {
            broker.close();
        }
    }
}
