package io.streamaligner.loop;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.TextGenerator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One model call over a batch of work items, so that a failure stays with the item it belongs to: an item whose
 * call cannot even be built fails without the model; a batch that throws is retried one item at a time, within a
 * time budget, so the failing item fails and the others complete. Items the budget does not reach get no outcome
 * (the caller keeps them for later). {@link Error}s are not caught.
 */
public final class IsolatedBatch {

    /** The outcome of one item: its completion and the text deltas streamed for it, or its failure. */
    public record Outcome<W>(W work, Completion completion, List<String> deltas, RuntimeException failure) {

        public boolean failed() {
            return failure != null;
        }

        static <W> Outcome<W> completed(W work, Completion completion, List<String> deltas) {
            return new Outcome<>(work, completion, deltas, null);
        }

        static <W> Outcome<W> failed(W work, RuntimeException failure) {
            return new Outcome<>(work, null, List.of(), failure);
        }
    }

    private IsolatedBatch() {
    }

    /**
     * Runs the items' calls as one batch.
     *
     * @param callOf      the model call of an item; its id must be unique within the batch (deltas are told apart by it)
     * @param retryBudget how long the one-by-one retries of a failed batch may run, from the start of this call
     * @return an outcome per item reached, in the items' order
     */
    public static <W> List<Outcome<W>> run(TextGenerator generator, List<W> items, Function<W, CompletionRequest> callOf,
                                           Duration retryBudget) {
        Objects.requireNonNull(generator, "generator");
        long startNanos = System.nanoTime();
        List<Outcome<W>> outcomes = new ArrayList<>(items.size());
        List<W> runnable = new ArrayList<>(items.size());
        List<CompletionRequest> calls = new ArrayList<>(items.size());
        for (W item : items) {
            try {
                calls.add(callOf.apply(item));
                runnable.add(item);
            } catch (RuntimeException invalid) {
                outcomes.add(Outcome.failed(item, invalid));
            }
        }
        if (runnable.isEmpty()) {
            return outcomes;
        }
        DeltaCollector deltas = new DeltaCollector();
        try {
            List<Completion> completions = generate(generator, calls, deltas);
            for (int i = 0; i < runnable.size(); i++) {
                outcomes.add(Outcome.completed(runnable.get(i), completions.get(i), deltas.of(calls.get(i).id())));
            }
            return outcomes;
        } catch (RuntimeException batchFailure) {
            if (runnable.size() == 1) {
                outcomes.add(Outcome.failed(runnable.get(0), batchFailure));
                return outcomes;
            }
        }
        for (int i = 0; i < runnable.size(); i++) {
            if (System.nanoTime() - startNanos > retryBudget.toNanos()) {
                break;
            }
            DeltaCollector alone = new DeltaCollector();
            try {
                Completion completion = generate(generator, List.of(calls.get(i)), alone).get(0);
                outcomes.add(Outcome.completed(runnable.get(i), completion, alone.of(calls.get(i).id())));
            } catch (RuntimeException failure) {
                outcomes.add(Outcome.failed(runnable.get(i), failure));
            }
        }
        return outcomes;
    }

    private static List<Completion> generate(TextGenerator generator, List<CompletionRequest> calls, DeltaListener deltas) {
        List<Completion> completions = generator.generate(calls, deltas);
        if (completions == null || completions.size() != calls.size()) {
            throw new IllegalStateException("generator returned " + (completions == null ? "null" : completions.size())
                    + " completions for " + calls.size() + " requests");
        }
        return completions;
    }

    /** Gathers deltas per request; engine threads may call it, so the map is concurrent. */
    private static final class DeltaCollector implements DeltaListener {

        private final Map<String, List<String>> byRequest = new ConcurrentHashMap<>();

        @Override
        public void onDelta(String requestId, String delta) {
            byRequest.computeIfAbsent(requestId, id -> Collections.synchronizedList(new ArrayList<>())).add(delta);
        }

        List<String> of(String requestId) {
            List<String> deltas = byRequest.get(requestId);
            return deltas == null ? List.of() : List.copyOf(deltas);
        }
    }
}
