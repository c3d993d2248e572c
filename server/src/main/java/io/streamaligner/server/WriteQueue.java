package io.streamaligner.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes that the engine's thread hands over rather than makes itself: a stream's queued chunks, a generation's last
 * chunks or whole response. One of the server's threads runs them, all that have come by then, in the order they
 * came; a write handed over while they run joins that drain, so the engine's one decode step of many rows costs one
 * wake-up of that thread, not a system call per row on the thread every row waits for (the engine's next step).
 * This is why vLLM answers HTTP in a process apart from its engine's step loop. Never blocks.
 */
final class WriteQueue {

    private static final Logger LOG = LoggerFactory.getLogger(WriteQueue.class);

    private final Executor threads;
    private final ConcurrentLinkedQueue<Runnable> writes = new ConcurrentLinkedQueue<>();
    /** Whether a drain is scheduled or running: it takes whatever is added before it ends. */
    private final AtomicBoolean draining = new AtomicBoolean();

    WriteQueue(Executor threads) {
        this.threads = Objects.requireNonNull(threads, "threads");
    }

    /** Runs {@code write} soon on one of the server's threads, after those handed over before it. */
    void submit(Runnable write) {
        writes.add(Objects.requireNonNull(write, "write"));
        if (draining.compareAndSet(false, true)) {
            try {
                threads.execute(this::drain);
            } catch (RejectedExecutionException stopping) {
                // the server's threads are stopping: the write runs here, where Jetty fails it if it must
                drain();
            }
        }
    }

    private void drain() {
        do {
            for (Runnable write; (write = writes.poll()) != null; ) {
                try {
                    write.run();
                } catch (RuntimeException bug) {
                    LOG.error("a response write failed", bug);
                }
            }
            draining.set(false);
            // one added after the last poll and before the flag dropped found a drain running: take it now
        } while (!writes.isEmpty() && draining.compareAndSet(false, true));
    }
}
