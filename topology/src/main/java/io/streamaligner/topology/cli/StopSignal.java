package io.streamaligner.topology.cli;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C or SIGTERM, for a command that serves until then ({@code run}, {@code serve}, {@code broker},
 * {@code demo --http-port}) or stops early on it ({@code dataset}): the JVM's shutdown hook completes
 * {@link #requested()} and waits (a bounded time) until the command has closed what it started and closed this
 * signal, so that a stop is clean rather than cut short by the JVM's exit.
 */
final class StopSignal implements AutoCloseable {

    /** How long the hook lets the command close: Kafka Streams' own close is bounded by 30 s. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(60);

    private final CompletableFuture<Void> requested = new CompletableFuture<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook;

    private StopSignal() {
        hook = new Thread(() -> {
            requested.complete(null);
            try {
                closed.await(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stop-signal");
    }

    /** Listens for Ctrl-C and SIGTERM until closed. */
    static StopSignal install() {
        StopSignal signal = new StopSignal();
        Runtime.getRuntime().addShutdownHook(signal.hook);
        return signal;
    }

    /** Completes when a stop is asked for. */
    CompletableFuture<Void> requested() {
        return requested;
    }

    /** The command has closed what it started: a stop under way may let the JVM go, and no later one is listened for. */
    @Override
    public void close() {
        closed.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it returns now that the latch is open
        }
    }
}
