package io.streamaligner.topology.processor;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.TextGenerator;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The durable batching pattern (DESIGN.md §"Slow inference") shared by {@link UpstreamStep} and {@link Aligner}:
 * <ol>
 *   <li>{@link #add} writes a work item to a changelogged "pending" store and runs a batch once
 *       {@link BatchSettings#maxBatchSize()} items are pending;</li>
 *   <li>a wall-clock punctuator runs a batch over what is pending every {@link BatchSettings#interval()};</li>
 *   <li>a batch hands each result to its {@link Step} (which forwards) and then deletes the item, all in the
 *       same processing step, so under exactly_once_v2 outputs and deletions commit together;</li>
 *   <li>after a restart the store is restored from its changelog and its items are run again (in store order);
 *       steps seed their sampling from the request and round, so the re-run writes the same text.</li>
 * </ol>
 * A batch that throws is retried one request at a time (within {@link BatchSettings#timeBudget()}), so one failing
 * request becomes that request's {@link Step#failed} while the others complete. {@link Error}s are not caught:
 * they end the stream thread and the work stays pending.
 *
 * <p>Under exactly_once_v2 a batch that forwarded results requests a commit: its outputs are the next hop of
 * their requests' rounds, and a read_committed reader sees them only once their transaction commits, so waiting for
 * the commit interval would add up to that interval to every round. A commit per batch costs a few milliseconds
 * against a batch of model time, and fewer transactions than a short commit interval when batches are long.
 *
 * @param <W> the work item: the record that asks for one model call
 */
public final class InferenceBatcher<W> {

    /** What a processor supplies: the model call for one work item, and what to do with its outcome. */
    public interface Step<W> {

        /** The model call for this item; a thrown RuntimeException fails the item without calling the model. */
        CompletionRequest request(String requestId, W work);

        /** The model answered; forward the results. {@code deltas}: the text the generator streamed for it, in order. */
        void completed(String requestId, W work, Completion completion, List<String> deltas);

        /** The model call failed for this item; forward an error. */
        void failed(String requestId, W work, RuntimeException error);
    }

    private final String storeName;
    private final TextGenerator generator;
    private final BatchSettings settings;
    private final Step<W> step;

    /** Whether a batch's outputs reach their next hop through a topic (else they stay in this sub-topology). */
    private final boolean outputsCrossATopic;
    private ProcessorContext<?, ?> context;
    private boolean commitAfterBatch;
    private KeyValueStore<String, W> pending;
    /** The pending store's keys in arrival order (the store iterates by key): batches are first come, first served. */
    private final Set<String> arrivalOrder = new LinkedHashSet<>();

    public InferenceBatcher(String storeName, TextGenerator generator, BatchSettings settings, Step<W> step) {
        this(storeName, generator, settings, step, true);
    }

    /**
     * @param outputsCrossATopic false when the batch's outputs go on in memory (the upstream step's deltas in the
     *                           in-memory wiring): then nothing waits for them to commit, and a commit per batch
     *                           would only add a transaction to every round
     */
    public InferenceBatcher(String storeName, TextGenerator generator, BatchSettings settings, Step<W> step,
                            boolean outputsCrossATopic) {
        this.outputsCrossATopic = outputsCrossATopic;
        this.storeName = Objects.requireNonNull(storeName, "storeName");
        this.generator = Objects.requireNonNull(generator, "generator");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.step = Objects.requireNonNull(step, "step");
    }

    /** Connects to the pending store (restored by now) and schedules the batch punctuator. */
    public void init(ProcessorContext<?, ?> context) {
        this.context = context;
        this.commitAfterBatch = outputsCrossATopic && isExactlyOnce(context);
        pending = context.getStateStore(storeName);
        arrivalOrder.clear();
        try (KeyValueIterator<String, W> restored = pending.all()) {
            restored.forEachRemaining(entry -> arrivalOrder.add(entry.key));
        }
        context.schedule(settings.interval(), PunctuationType.WALL_CLOCK_TIME, now -> runBatch());
    }

    /** Makes {@code work} pending (replacing earlier pending work of the request) and runs a batch if enough is pending. */
    public void add(String requestId, W work) {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(work, "work");
        pending.put(requestId, work);
        arrivalOrder.add(requestId);
        if (arrivalOrder.size() >= settings.maxBatchSize()) {
            runBatch();
        }
    }

    public int pendingCount() {
        return arrivalOrder.size();
    }

    /** Whether the application runs exactly_once_v2, where outputs become readable only when committed. */
    static boolean isExactlyOnce(ProcessorContext<?, ?> context) {
        Object guarantee = context.appConfigs().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
        return StreamsConfig.EXACTLY_ONCE_V2.equals(String.valueOf(guarantee));
    }

    /** Runs one batch of at most {@code maxBatchSize} of the oldest pending items. */
    public void runBatch() {
        if (forwardBatch() && commitAfterBatch) {
            context.commit();
        }
    }

    /** Runs a batch and forwards its outcomes; whether it forwarded any. */
    private boolean forwardBatch() {
        if (arrivalOrder.isEmpty()) {
            return false;
        }
        long startNanos = System.nanoTime();
        List<String> ids = arrivalOrder.stream().limit(settings.maxBatchSize()).toList();
        List<Item<W>> items = new ArrayList<>(ids.size());
        boolean forwarded = false;
        for (String id : ids) {
            W work = pending.get(id);
            if (work == null) {
                arrivalOrder.remove(id);
                continue;
            }
            try {
                items.add(new Item<>(id, work, step.request(id, work)));
            } catch (RuntimeException invalid) {
                step.failed(id, work, invalid);
                done(id);
                forwarded = true;
            }
        }
        if (items.isEmpty()) {
            return forwarded;
        }
        DeltaCollector deltas = new DeltaCollector();
        List<Completion> completions;
        try {
            completions = generate(items, deltas);
        } catch (RuntimeException batchFailure) {
            if (items.size() == 1) {
                fail(items.get(0), batchFailure);
                return true;
            }
            return runOneByOne(items, startNanos) || forwarded;
        }
        for (int i = 0; i < items.size(); i++) {
            Item<W> item = items.get(i);
            step.completed(item.id, item.work, completions.get(i), deltas.of(item.id));
            done(item.id);
        }
        return true;
    }

    /**
     * Isolates the failing request(s) of a failed batch; what the time budget does not reach stays pending.
     * Whether it forwarded any outcome.
     */
    private boolean runOneByOne(List<Item<W>> items, long startNanos) {
        boolean forwarded = false;
        for (Item<W> item : items) {
            if (System.nanoTime() - startNanos > settings.timeBudget().toNanos()) {
                return forwarded;
            }
            forwarded = true;
            DeltaCollector deltas = new DeltaCollector();
            Completion completion;
            try {
                completion = generate(List.of(item), deltas).get(0);
            } catch (RuntimeException failure) {
                fail(item, failure);
                continue;
            }
            step.completed(item.id, item.work, completion, deltas.of(item.id));
            done(item.id);
        }
        return forwarded;
    }

    private List<Completion> generate(List<Item<W>> items, DeltaCollector deltas) {
        List<CompletionRequest> requests = items.stream().map(Item::request).toList();
        List<Completion> completions = generator.generate(requests, deltas);
        if (completions == null || completions.size() != requests.size()) {
            throw new IllegalStateException("generator returned " + (completions == null ? "null" : completions.size())
                    + " completions for " + requests.size() + " requests");
        }
        return completions;
    }

    private void fail(Item<W> item, RuntimeException failure) {
        step.failed(item.id, item.work, failure);
        done(item.id);
    }

    private void done(String id) {
        pending.delete(id);
        arrivalOrder.remove(id);
    }

    private record Item<W>(String id, W work, CompletionRequest request) {
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
