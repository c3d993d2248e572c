package io.streamaligner.topology.processor;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.Generation;
import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.TextGenerator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A generator whose calls a test drives by hand: each submission is held until the test streams text into it,
 * completes it or fails it, as a backend thread would; cancellations are recorded.
 */
final class ControlledGenerator implements TextGenerator {

    /** One submitted call. */
    static final class Call implements Generation {

        final CompletionRequest request;
        private final DeltaListener listener;
        private final CompletableFuture<Completion> completion = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        volatile boolean cancelled;

        Call(CompletionRequest request, DeltaListener listener) {
            this.request = request;
            this.listener = listener;
        }

        /** What the stage handed the backend for the call's pieces. */
        DeltaListener listener() {
            return listener;
        }

        /** The backend writes {@code piece}. */
        Call stream(String piece) {
            text.append(piece);
            listener.onDelta(request.id(), piece);
            return this;
        }

        /** The backend finishes with what it streamed. */
        void complete(FinishReason reason) {
            completion.complete(new Completion(request.id(), text.toString(), reason, 5, text.length(), 4_000_000));
        }

        void fail(boolean retryable) {
            completion.completeExceptionally(retryable ? GenerationException.retryable("server busy", null)
                    : new GenerationException("model broke"));
        }

        @Override
        public CompletableFuture<Completion> completion() {
            return completion;
        }

        @Override
        public void cancel() {
            cancelled = true;
            completion.completeExceptionally(new GenerationException("cancelled"));
        }
    }

    final List<Call> calls = new ArrayList<>();
    /** A request id whose submit throws, as a backend breaking the contract would. */
    volatile String throwsFor;

    @Override
    public synchronized Generation submit(CompletionRequest request, DeltaListener listener) {
        if (request.id().equals(throwsFor)) {
            throw new IllegalStateException("backend broke");
        }
        Call call = new Call(request, listener);
        calls.add(call);
        return call;
    }

    /** The latest call for a request. */
    synchronized Call last(String requestId) {
        for (int i = calls.size() - 1; i >= 0; i--) {
            if (calls.get(i).request.id().equals(requestId)) {
                return calls.get(i);
            }
        }
        throw new AssertionError("no call for " + requestId);
    }

    synchronized long callsOf(String requestId) {
        return calls.stream().filter(call -> call.request.id().equals(requestId)).count();
    }

    @Override
    public void close() {
    }
}
