package io.streamaligner.topology.cli;

import io.streamaligner.topology.broker.EmbeddedKafkaBroker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code broker}: a standalone single-node Kafka broker (KRaft) on this machine until Ctrl-C, for several
 * application instances (or {@code ask} clients) to share. It listens on 127.0.0.1 only.
 */
@Command(name = "broker",
        description = "Runs a single-node Kafka broker (KRaft, in this process) on 127.0.0.1 until Ctrl-C; prints its bootstrap address.")
public final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
            description = "Client port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep the broker's data here, reused on the next start. Default: a temporary directory deleted at exit.")
    private Path dataDir;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        try (StopSignal stop = StopSignal.install()) {
            return serve(stop.requested());
        }
    }

    /** Starts the broker, reports where it is, and stops it once {@code stopRequested} completes. */
    int serve(CompletableFuture<Void> stopRequested) {
        PrintWriter out = spec.commandLine().getOut();
        try (EmbeddedKafkaBroker broker = dataDir == null ? EmbeddedKafkaBroker.start(port) : EmbeddedKafkaBroker.start(port, dataDir)) {
            out.println("Kafka broker ready at " + broker.bootstrapServers());
            out.println("Data in " + broker.dataDir() + (dataDir == null ? " (deleted at exit)" : "") + ". Ctrl-C stops it.");
            out.flush();
            stopRequested.join();
        }
        out.println("Kafka broker stopped.");
        out.flush();
        return CommandLine.ExitCode.OK;
    }
}
