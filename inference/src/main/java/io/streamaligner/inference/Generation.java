package io.streamaligner.inference;

import java.util.concurrent.CompletableFuture;

/**
 * One request being completed, as {@link TextGenerator#submit} returns it at once: its text deltas go to the listener
 * given at submission as they are decoded, {@link #completion()} completes with the {@link Completion} or fails
 * (with an {@link InferenceException}; {@link InferenceException#retryable()} says whether trying again may help),
 * and {@link #cancel()} gives it up.
 */
public interface Generation {

    /** Completes with the request's completion, or fails; never completed by the caller. */
    CompletableFuture<Completion> completion();

    /**
     * Gives the request up: the backend stops generating for it as soon as it can (the engine at its next step, an HTTP
     * backend by closing the stream), delivers no more deltas, and fails {@link #completion()} unless it was done.
     */
    void cancel();

    /** A generation over {@code completion} that {@code cancel} gives up, for a backend that has its own future. */
    static Generation of(CompletableFuture<Completion> completion, Runnable cancel) {
        return new Generation() {
            @Override
            public CompletableFuture<Completion> completion() {
                return completion;
            }

            @Override
            public void cancel() {
                cancel.run();
            }
        };
    }

    /** A generation that has already completed, for a backend that answered on the caller's thread. */
    static Generation completed(Completion completion) {
        return of(CompletableFuture.completedFuture(completion), () -> { });
    }

    /** A generation that has already failed, for a backend that cannot even start one. */
    static Generation failed(InferenceException error) {
        return of(CompletableFuture.failedFuture(error), () -> { });
    }
}
