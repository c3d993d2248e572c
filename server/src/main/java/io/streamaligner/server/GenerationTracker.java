package io.streamaligner.server;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.Generation;
import io.streamaligner.inference.TextGenerator;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Submits the server's generations to the engine and keeps count of them, so the server can report how many are in
 * flight ({@link ServerStats}) and cancel what is left when it closes.
 */
final class GenerationTracker {

    private final TextGenerator engine;
    private final Set<Tracked> running = ConcurrentHashMap.newKeySet();
    private final LongAdder completed = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder failed = new LongAdder();

    GenerationTracker(TextGenerator engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /** Submits {@code request}; returns at once, as the engine does. */
    Generation submit(CompletionRequest request, DeltaListener listener) {
        Tracked tracked = new Tracked(engine.submit(request, listener));
        running.add(tracked);
        // handle, not whenComplete: its unread stage would wrap each failure (every cancelled request's, as each cut
        // upstream step is) in a new exception and its stack trace
        tracked.completion().handle((completion, failure) -> {
            running.remove(tracked);
            if (failure == null) {
                completed.increment();
            } else if (tracked.cancelled) {
                cancelled.increment();
            } else {
                failed.increment();
            }
            return null;
        });
        return tracked;
    }

    ServerStats stats() {
        return new ServerStats(running.size(), completed.sum(), cancelled.sum(), failed.sum());
    }

    /** Cancels every generation still running (the server is closing). */
    void cancelAll() {
        List.copyOf(running).forEach(Generation::cancel);
    }

    /** A generation that remembers whether the server cancelled it, to count it as cancelled rather than failed. */
    private static final class Tracked implements Generation {

        private final Generation generation;
        private volatile boolean cancelled;

        Tracked(Generation generation) {
            this.generation = generation;
        }

        @Override
        public CompletableFuture<Completion> completion() {
            return generation.completion();
        }

        @Override
        public void cancel() {
            cancelled = true;
            generation.cancel();
        }
    }
}
