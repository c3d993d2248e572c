package io.streamaligner.ops.faults;

import io.streamaligner.topology.broker.EmbeddedKafkaBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} of one of two {@code run} processes (started from the runnable jar) with 100 requests in flight,
 * on a broker in this JVM: nothing is lost, nothing is said twice, and the answers are those of a run without a crash.
 */
@Tag("integration")
class FailoverIT {

    private static final int REQUESTS = 100;
    private static EmbeddedKafkaBroker broker;

    @TempDir
    Path workDir;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldAnswerEveryRequestOnceAndAsWithoutACrashWhenAnInstanceIsKilled() throws Exception {
        FaultRun.Setup setup = new FaultRun.Setup(FaultTestSupport.jar(), workDir, 2, 4, REQUESTS, 10, List.of(),
                Duration.ofMinutes(5));

        FaultRun.Outcome outcome = FaultRun.run(broker.bootstrapServers(), setup, Fault.killFirstInstance(false));

        System.out.println(outcome.line("failover") + " (killed partitions " + outcome.stalledPartitions()
                + ", by partition " + outcome.recoveryByPartition() + ")");
        assertThat(outcome.stalledPartitions()).as("the killed instance ran tasks").isNotEmpty();
        assertThat(outcome.finals()).isEqualTo(REQUESTS);
        assertThat(outcome.duplicates()).isZero();
        assertThat(outcome.errors()).isEmpty();
        assertThat(outcome.instancesStayedUp()).as("every instance served to the end and stopped cleanly on SIGTERM").isTrue();
        assertThat(ReferenceAnswers.byNumber(outcome.answers())).isEqualTo(ReferenceAnswers.of(REQUESTS));
    }
}
