package io.streamaligner.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;

/**
 * What the loop calls to run a model, asynchronously: {@link #submit} returns at once with a {@link Generation} that
 * streams the request's text deltas as they are decoded and completes with its {@link Completion}. Nothing in the
 * contract is backend-specific: the ONNX engine batches every caller's requests continuously on its own thread, an
 * HTTP backend streams from a server.
 *
 * <p>Implementations are thread-safe: one instance serves many concurrent callers.
 */
public interface TextGenerator extends AutoCloseable {

    /**
     * Starts completing {@code request} and returns at once; it never waits for the model and never throws for a
     * request that cannot run: the generation fails instead ({@link PromptTooLongException}, {@link GenerationException},
     * also when the generator is closed).
     *
     * @param listener receives the request's decoded text deltas, never splitting a UTF-8 character, in order, never
     *                 concurrently, on a backend thread: keep it short, and never wait on a generation in it
     */
    Generation submit(CompletionRequest request, DeltaListener listener);

    /**
     * Completes the requests together and waits for all of them (a convenience for callers that may block, such as
     * batch evaluations and benchmarks); results are in request order. A backend that batches may admit them together.
     *
     * @throws InferenceException the first failure; the other requests are cancelled
     */
    default List<Completion> generate(List<CompletionRequest> requests, DeltaListener listener) {
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(listener, "listener");
        List<Generation> generations = new ArrayList<>(requests.size());
        requests.forEach(request -> generations.add(submit(request, listener)));
        return awaitAll(generations);
    }

    default List<Completion> generate(List<CompletionRequest> requests) {
        return generate(requests, DeltaListener.NONE);
    }

    @Override
    void close();

    /**
     * Waits for every generation, in order; on a failure or an interrupt cancels the rest and throws.
     *
     * @throws InferenceException the failure (wrapped in a {@link GenerationException} when it is not one)
     */
    static List<Completion> awaitAll(List<Generation> generations) {
        List<Completion> completions = new ArrayList<>(generations.size());
        try {
            for (Generation generation : generations) {
                completions.add(generation.completion().get());
            }
            return completions;
        } catch (InterruptedException e) {
            generations.forEach(Generation::cancel);
            Thread.currentThread().interrupt();
            throw new GenerationException("interrupted while waiting for generation", e);
        } catch (ExecutionException e) {
            generations.forEach(Generation::cancel);
            Throwable cause = e.getCause();
            if (cause instanceof InferenceException inference) {
                throw inference;
            }
            throw new GenerationException("generation failed: " + cause, cause);
        }
    }
}
