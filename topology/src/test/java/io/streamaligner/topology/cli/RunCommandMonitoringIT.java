package io.streamaligner.topology.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.client.AlignmentClient;
import io.streamaligner.client.AlignmentRequests;
import io.streamaligner.client.Topics;
import io.streamaligner.topology.broker.EmbeddedKafkaBroker;
import io.streamaligner.topology.testing.SharedKafkaBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** {@code run --http-port}: Prometheus metrics of the loop, Kafka Streams and the JVM, and health checks. */
@Tag("integration")
@ExtendWith(SharedKafkaBroker.class)
class RunCommandMonitoringIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern HTTP = Pattern.compile("metrics and health on (http://\\S+)");

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldServeMetricsAfterAQuestionAndReportReadyWhileRunning(EmbeddedKafkaBroker broker) throws Exception {
        String prefix = "mon-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        StringWriter output = new StringWriter();
        RunCommand run = new RunCommand();
        new CommandLine(run).setOut(new PrintWriter(output)).parseArgs("--bootstrap-servers", broker.bootstrapServers(),
                "--http-port", "0", "-D", "streamaligner.topic.prefix=" + prefix, "-D", "application.id=" + prefix + "app",
                "-D", "streamaligner.topic.partitions=2");
        CompletableFuture<Void> stop = new CompletableFuture<>();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            try {
                return run.serve(stop);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String baseUrl = awaitHttpAddress(output, exit);

        HttpResponse<String> live = get(baseUrl + "/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get(baseUrl + "/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).startsWith("{\"status\":\"UP\"").contains("\"models\":\"loaded\"")
                .contains("\"streams\":\"RUNNING\"").contains("\"activeTasks\":[\"0_0\",\"0_1\"]");
        try (AlignmentClient client = AlignmentClient.connect(broker.bootstrapServers(), Topics.withPrefix(prefix))) {
            client.submit(AlignmentRequests.builder("What is 23 + 48 - 19?").setMaxRounds(6).build())
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        String metrics = get(baseUrl + "/metrics").body();

        assertThat(metrics)
                .contains("streamaligner_round_seconds_count{stage=\"upstream\"}")
                .contains("streamaligner_round_seconds_count{stage=\"aligner\"}")
                .contains("streamaligner_round_seconds_bucket{stage=\"kafka\"")
                .contains("streamaligner_requests_in_flight 0.0")
                .contains("streamaligner_dead_letters_total{reason=\"NO_KEY\"} 0.0")
                .contains("streamaligner_model_tokens_total{model=\"upstream\"}")
                .contains("kafka_stream_thread_commit_total")
                .contains("jvm_memory_used_bytes");
        assertThat(metrics).containsPattern("streamaligner_answers_total\\{finish_reason=\"[A-Z_]+\"} 1\\.0");
        stop.complete(null);
        assertThat(exit.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isZero();
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String awaitHttpAddress(StringWriter output, CompletableFuture<Integer> command) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && !command.isDone()) {
            Matcher address = HTTP.matcher(output.toString());
            if (address.find()) {
                return address.group(1);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no HTTP address printed; output: " + output);
    }
}
