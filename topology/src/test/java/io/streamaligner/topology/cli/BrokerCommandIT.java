package io.streamaligner.topology.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

@Tag("integration")
class BrokerCommandIT {

    private static final Pattern READY = Pattern.compile("Kafka broker ready at (\\S+)");

    @Test
    void shouldServeClientsAtThePrintedAddressUntilAskedToStop() throws Exception {
        StringWriter out = new StringWriter();
        BrokerCommand command = new BrokerCommand();
        new CommandLine(command).setOut(new PrintWriter(out)).parseArgs("--port", "0");
        CompletableFuture<Void> stop = new CompletableFuture<>();

        CompletableFuture<Integer> exitCode = CompletableFuture.supplyAsync(() -> command.serve(stop));
        String bootstrapServers = awaitAddress(out, Duration.ofSeconds(60));

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
        }
        stop.complete(null);

        assertThat(exitCode.get(60, TimeUnit.SECONDS)).isZero();
        assertThat(out.toString()).contains("Kafka broker stopped.");
    }

    private static String awaitAddress(StringWriter out, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher ready = READY.matcher(out.toString());
            if (ready.find()) {
                return ready.group(1);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("broker did not report its address; output: " + out);
    }
}
