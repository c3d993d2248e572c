package io.streamaligner.topology.processor;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.TextGenerator;
import io.streamaligner.loop.IsolatedBatch;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The durable batching pattern shared by {@link UpstreamStep} and {@link Aligner} (docs/ARCHITECTURE.md):
 * <ol>
 *   <li>{@link #add} writes a work item to a changelogged "pending" store and runs a batch once
 *       {@link BatchSettings#maxBatchSize()} items are pending;</li>
 *   <li>a wall-clock punctuator runs a batch over what is pending every {@link BatchSettings#interval()};</li>
 *   <li>a batch hands each result to its {@link Step} (which forwards) and then deletes the item, all in the
 *       same processing step, so under exactly_once_v2 outputs and deletions commit together;</li>
 *   <li>after a restart the store is restored from its changelog and its items are run again (in store order);
 *       steps seed their sampling from the request and round, so the re-run writes the same text.</li>
 * </ol>
 * A failure stays with its request ({@link IsolatedBatch}, retries within {@link BatchSettings#timeBudget()}; what
 * the budget does not reach stays pending). {@link Error}s are not caught: they end the stream thread and the work
 * stays pending. With {@link CommitPolicy#WHEN_FORWARDED} a batch that forwarded results requests a commit.
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
    private final CommitPolicy commitPolicy;
    private ProcessorContext<?, ?> context;
    private boolean commitAfterBatch;
    private KeyValueStore<String, W> pending;
    /** The pending store's keys in arrival order (the store iterates by key): batches are first come, first served. */
    private final Set<String> arrivalOrder = new LinkedHashSet<>();

    public InferenceBatcher(String storeName, TextGenerator generator, BatchSettings settings, Step<W> step,
                            CommitPolicy commitPolicy) {
        this.storeName = Objects.requireNonNull(storeName, "storeName");
        this.generator = Objects.requireNonNull(generator, "generator");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.step = Objects.requireNonNull(step, "step");
        this.commitPolicy = Objects.requireNonNull(commitPolicy, "commitPolicy");
    }

    /** Connects to the pending store (restored by now) and schedules the batch punctuator. */
    public void init(ProcessorContext<?, ?> context) {
        this.context = context;
        this.commitAfterBatch = commitPolicy.commitsWhenForwarded(context);
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

    /** Runs one batch of at most {@code maxBatchSize} of the oldest pending items. */
    public void runBatch() {
        if (forwardBatch() && commitAfterBatch) {
            context.commit();
        }
    }

    /** Runs a batch and forwards its outcomes; whether it forwarded any. */
    private boolean forwardBatch() {
        List<Pending<W>> batch = new ArrayList<>(settings.maxBatchSize());
        for (String id : arrivalOrder.stream().limit(settings.maxBatchSize()).toList()) {
            W work = pending.get(id);
            if (work == null) {
                arrivalOrder.remove(id);
            } else {
                batch.add(new Pending<>(id, work));
            }
        }
        List<IsolatedBatch.Outcome<Pending<W>>> outcomes = IsolatedBatch.run(generator, batch,
                item -> step.request(item.id(), item.work()), settings.timeBudget());
        for (IsolatedBatch.Outcome<Pending<W>> outcome : outcomes) {
            Pending<W> item = outcome.work();
            if (outcome.failed()) {
                step.failed(item.id(), item.work(), outcome.failure());
            } else {
                step.completed(item.id(), item.work(), outcome.completion(), outcome.deltas());
            }
            pending.delete(item.id());
            arrivalOrder.remove(item.id());
        }
        return !outcomes.isEmpty();
    }

    private record Pending<W>(String id, W work) {
    }
}
