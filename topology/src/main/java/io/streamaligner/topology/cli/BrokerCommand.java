package io.streamaligner.topology.cli;

import io.streamaligner.topology.broker.EmbeddedKafkaBroker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

    private static final long SHUTDOWN_WAIT_SECONDS = 60;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
            description = "Client port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep the broker's data here, reused on the next start. Default: a temporary directory deleted at exit.")
    private Path dataDir;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        CountDownLatch stopRequested = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C runs the hook; it lets serve() close the broker cleanly before the JVM goes.
        Thread hook = new Thread(() -> {
            stopRequested.countDown();
            awaitQuietly(stopped);
        }, "broker-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return serve(stopRequested);
        } finally {
            stopped.countDown();
        }
    }

    /** Starts the broker, reports where it is, and stops it once {@code stopRequested} opens. */
    int serve(CountDownLatch stopRequested) throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        try (EmbeddedKafkaBroker broker = dataDir == null ? EmbeddedKafkaBroker.start(port) : EmbeddedKafkaBroker.start(port, dataDir)) {
            out.println("Kafka broker ready at " + broker.bootstrapServers());
            out.println("Data in " + broker.dataDir() + (dataDir == null ? " (deleted at exit)" : "") + ". Ctrl-C stops it.");
            out.flush();
            stopRequested.await();
        }
        out.println("Kafka broker stopped.");
        out.flush();
        return CommandLine.ExitCode.OK;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
