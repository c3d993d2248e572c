package io.streamaligner.topology.cli;

import io.streamaligner.topology.app.AlignmentApplication;
import io.streamaligner.topology.app.AlignmentStack;
import io.streamaligner.topology.config.StreamAlignerConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code run}: the application alone ({@link AlignmentApplication}) until Ctrl-C or SIGTERM, which close it
 * cleanly within a bounded time: Kafka Streams commits what is done and leaves the group, so that the other instances
 * take its tasks at once and re-run what was pending; the models close, an embedded broker stops. Without bootstrap
 * servers it starts an embedded broker for itself and prints its address for clients. With {@code --http-port} it
 * serves the web view, the alignment gateway, metrics and health checks. Exits 1 if Kafka Streams shuts down on its own.
 */
@Command(name = "run",
        description = {"Runs the Stream Aligner application (reads prompts, writes responses) until Ctrl-C.",
                "Without --bootstrap-servers (or bootstrap.servers in the configuration) it starts an embedded Kafka broker."})
public final class RunCommand implements Callable<Integer> {

    @Mixin
    private ConfigOptions config;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Serve the web view (/), the gateway (POST /v1/align, GET /v1/requests/ID/events), /metrics "
                    + "(Prometheus), /health/live and /health/ready on this port (0: a free one), on 127.0.0.1 unless "
                    + "streamaligner.http.host says otherwise. Default: streamaligner.http.port, else off.")
    private Integer httpPort;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (StopSignal stop = StopSignal.install()) {
            return serve(stop.requested());
        }
    }

    /** Starts the stack, reports where it is, and closes it once {@code stopRequested} completes or Streams fails. */
    int serve(CompletableFuture<Void> stopRequested) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        StreamAlignerConfig resolved = httpPort == null ? config.resolve() : config.resolve().withHttpPort(httpPort);
        out.println("Starting stream-aligner (" + (resolved.bootstrapServers().isPresent() ? "Kafka at " + resolved.bootstrapServers().get()
                : "embedded Kafka broker") + ") ...");
        out.flush();
        KafkaStreams.State end;
        try (AlignmentStack stack = AlignmentStack.start(resolved)) {
            AlignmentApplication application = stack.application();
            out.println("stream-aligner running: Kafka at " + stack.bootstrapServers()
                    + stack.embeddedBroker().map(broker -> " (embedded broker, data in " + broker.dataDir() + ")").orElse(""));
            out.println("  reads " + application.topics().prompts().name() + ", writes " + application.topics().responses().name()
                    + "; " + resolved.processingGuarantee().configValue() + ", " + resolved.topics().partitions() + " partitions, "
                    + resolved.topology().wiring().configValue() + " wiring");
            out.println("  upstream " + resolved.upstream().describe() + ", aligner " + resolved.aligner().describe());
            application.http().ifPresent(http -> out.println("  the web view, the gateway, metrics and health on "
                    + http.baseUrl() + " (/, /v1/align, /metrics, /health/live, /health/ready)"));
            out.println("Ctrl-C stops it.");
            out.flush();
            CompletableFuture.anyOf(stopRequested, application.stopped()).join();
            end = application.state();
        }
        boolean failed = end == KafkaStreams.State.ERROR || end == KafkaStreams.State.PENDING_ERROR;
        out.println(failed ? "stream-aligner stopped: Kafka Streams failed (see the log)." : "stream-aligner stopped.");
        out.flush();
        return failed ? 1 : CommandLine.ExitCode.OK;
    }
}
