package io.streamaligner.topology.processor;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.Generation;
import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.InferenceException;
import io.streamaligner.inference.TextGenerator;
import io.streamaligner.topology.metrics.LoopMetrics;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The non-blocking inference stage shared by {@link UpstreamStep} and {@link Aligner}: no stream thread ever waits
 * for a model (docs/ARCHITECTURE.md).
 * <ol>
 *   <li>{@link #add} writes the work item to the changelogged "pending" store and submits its model call
 *       ({@link TextGenerator#submit} returns at once), or leaves it waiting in the store when this instance has
 *       {@link InferenceSettings#maxInFlight()} calls of this model in flight: first come, first served.</li>
 *   <li>A wall-clock punctuator, every {@link InferenceSettings#interval()}, forwards on the stream thread what has
 *       arrived since the last tick: each call's new text deltas ({@link Step#streamed}), and each finished call's
 *       result ({@link Step#completed} or {@link Step#failed}) with its pending entry deleted in the same processing
 *       step, so under exactly_once_v2 outputs and deletions commit together; with {@link CommitPolicy#WHEN_FORWARDED}
 *       a tick that forwarded a result requests a commit.</li>
 *   <li>A call that fails with a retryable error, or passes its {@link InferenceSettings#callTimeout()}, is tried
 *       again after an exponential backoff with jitter (no sooner than a backend's {@code Retry-After}), up to
 *       {@link InferenceSettings#maxAttempts()}; then the item fails. A re-run's deltas that were already forwarded are not forwarded again.</li>
 *   <li>After a restart or a rebalance, the task's pending items are restored from the changelog and submitted again;
 *       steps seed their sampling from the request and the round, so the re-run writes the same text. When the task is
 *       closed or revoked ({@link #close}), its calls are cancelled and nothing more is forwarded for them.</li>
 * </ol>
 * One request has at most one call in flight per stage: a work item of a round the request has already reached is a
 * replay and is dropped; one of a later round replaces the earlier.
 *
 * <p>A step may also run a call ahead of its work item ({@link #speculate}): the upstream's next step while the aligner
 * corrects the last sentence. It takes a free permit or does not run; its text is forwarded marked speculative and
 * its result held, its permit given back once it has finished; when the actual item comes and asks for exactly the
 * same call, the call is adopted as that item's (its pieces forwarded again unmarked, with the same boundaries, its
 * result settled at once if it has finished); otherwise it is cancelled. One that fails, or is not adopted within the
 * call timeout (the request ended otherwise), is dropped: the actual item then runs its own call.
 *
 * @param <W> the work item: the record that asks for one model call
 */
public final class InferenceStage<W> {

    /** What a processor supplies: the model call for one work item, and what to do with what it writes. */
    public interface Step<W> {

        /** The model call for this item; a thrown RuntimeException fails the item without calling the model. */
        CompletionRequest request(String requestId, W work);

        /** The loop round the item belongs to: work of an earlier round than the request's current one is a replay. */
        int round(W work);

        /**
         * Whether the call for {@code actual} is exactly the call for {@code speculated} (see {@link #speculate}); by
         * default the two requests compared, which a step may answer more cheaply from the items themselves.
         */
        default boolean sameCall(String requestId, W speculated, W actual) {
            try {
                return request(requestId, speculated).equals(request(requestId, actual));
            } catch (RuntimeException invalid) {
                return false;
            }
        }

        /**
         * New text of the call, in order; {@code index} counts the pieces forwarded for it, from 0. A speculative
         * call's text ({@link #speculate}) comes marked so, and again unmarked from index 0 once the call is adopted.
         */
        default void streamed(String requestId, W work, String piece, int index, boolean speculative) {
        }

        /**
         * Whether {@link #streamed} does anything with the pieces. A step that takes only the completion lets the
         * backend answer it whole (an HTTP server then writes no event per token, and the client parses none).
         */
        default boolean takesPieces() {
            return false;
        }

        /** The model answered; forward the results. {@code pieces}: how many pieces were streamed before. */
        void completed(String requestId, W work, Completion completion, int pieces);

        /** The call failed for good; forward an error. */
        void failed(String requestId, W work, RuntimeException error);
    }

    /** The longest wait between two attempts of a call that the doubling backoff reaches. */
    static final Duration MAX_RETRY_BACKOFF = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(InferenceStage.class);

    private final String storeName;
    private final String model;
    private final TextGenerator generator;
    private final InferenceSettings settings;
    private final InFlightLimit limit;
    private final Step<W> step;
    private final CommitPolicy commitPolicy;
    private final LoopMetrics metrics;
    /** How many of this task's pending items the in-flight gauge counts now. */
    private int metered;
    private ProcessorContext<?, ?> context;
    private boolean commitWhenForwarded;
    private KeyValueStore<String, W> pending;
    private Cancellable punctuator;
    /** Every pending item of this task by request, in arrival order: waiting for a permit, in flight, or backing off. */
    private final Map<String, Call<W>> calls = new LinkedHashMap<>();
    /**
     * Calls run ahead of their work item ({@link #speculate}), by request: kept in memory only (a restart runs the
     * actual item when it comes), their results held until {@link #add} adopts or drops them.
     */
    private final Map<String, Call<W>> speculative = new LinkedHashMap<>();
    /** Speculations asked for while calls were being advanced: started once that is done. */
    private final List<Call<W>> toSpeculate = new ArrayList<>();

    /**
     * @param model which model the stage calls, as metrics name it ({@link LoopMetrics#UPSTREAM}, {@link LoopMetrics#ALIGNER})
     * @param limit shared by every task of this instance that calls the same model
     */
    public InferenceStage(String storeName, String model, TextGenerator generator, InferenceSettings settings,
                          InFlightLimit limit, Step<W> step, CommitPolicy commitPolicy, LoopMetrics metrics) {
        this.storeName = Objects.requireNonNull(storeName, "storeName");
        this.model = Objects.requireNonNull(model, "model");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.generator = Objects.requireNonNull(generator, "generator");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.limit = Objects.requireNonNull(limit, "limit");
        this.step = Objects.requireNonNull(step, "step");
        this.commitPolicy = Objects.requireNonNull(commitPolicy, "commitPolicy");
    }

    /** Connects to the pending store (restored by now), submits what it holds, and schedules the punctuator. */
    public void init(ProcessorContext<?, ?> context) {
        this.context = context;
        this.commitWhenForwarded = commitPolicy.commitsWhenForwarded(context);
        pending = context.getStateStore(storeName);
        calls.clear();
        try (KeyValueIterator<String, W> restored = pending.all()) {
            restored.forEachRemaining(entry -> calls.put(entry.key, new Call<>(entry.key, entry.value, step.round(entry.value), false)));
        }
        if (!calls.isEmpty()) {
            LOG.info("resubmitting {} pending model call(s) of {}", calls.size(), storeName);
        }
        startWaiting(System.nanoTime());
        meterPending();
        punctuator = context.schedule(settings.interval(), PunctuationType.WALL_CLOCK_TIME, now -> tick());
    }

    /** Keeps the instance's in-flight gauge in step with this task's pending items. */
    private void meterPending() {
        metrics.pendingChanged(model, calls.size() - metered);
        metered = calls.size();
    }

    /**
     * Makes {@code work} pending and submits its call if a permit is free; a replay (an item of a round the request
     * already reached) is dropped, an item of a later round replaces the request's earlier one.
     */
    public void add(String requestId, W work) {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(work, "work");
        int round = step.round(work);
        long now = System.nanoTime();
        Call<W> ahead = speculative.get(requestId);
        if (ahead != null && round >= ahead.round) {
            speculative.remove(requestId);
            if (round == ahead.round && !calls.containsKey(requestId) && adoptable(ahead, now)
                    && step.sameCall(requestId, ahead.work, work)) {
                adopt(ahead, work, now);
                startWaiting(now);
                startSpeculations(now);
                meterPending();
                return;
            }
            end(ahead); // the work asks for another call, or what ran ahead failed: it is not the item's
        }
        Call<W> current = calls.get(requestId);
        if (current != null) {
            if (round <= current.round) {
                LOG.debug("dropping a replayed call of {} round {} ({} round {} is pending)", requestId, round, storeName,
                        current.round);
                return;
            }
            end(calls.remove(requestId));
        }
        pending.put(requestId, work);
        Call<W> call = new Call<>(requestId, work, round, false);
        calls.put(requestId, call);
        // a backend that answered at once (or a call that cannot be built) is settled now, not at the next tick
        if (startIfPermitted(call, now)) {
            settleAtOnce(call, now);
        }
        startWaiting(now); // before speculation: a permit another task freed goes to waiting work first
        startSpeculations(now);
        meterPending();
    }

    /**
     * Runs the call for {@code work} ahead of the item itself, if a permit is free: the step expects the item soon
     * and, most often, to ask for exactly this call (see the class comment). Nothing is stored.
     */
    public void speculate(String requestId, W work) {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(work, "work");
        toSpeculate.add(new Call<>(requestId, work, step.round(work), true));
    }

    /** Speculative calls of this task: running or holding their result. */
    public int speculativeCount() {
        return speculative.size();
    }

    /** A speculation worth adopting: within its deadline, and not failed or cancelled. */
    private boolean adoptable(Call<W> ahead, long now) {
        return now <= ahead.deadlineNanos && !ahead.generation.completion().isCompletedExceptionally();
    }

    /**
     * Makes a speculative call the actual item's: stored as pending, its pieces so far forwarded again unmarked (with
     * their boundaries, so that a re-run after a crash, which forwards them again from index 0, lines up with them),
     * its result settled now if it has one.
     */
    private void adopt(Call<W> ahead, W work, long now) {
        Call<W> adopted = ahead.adoptedAs(work);
        calls.put(adopted.requestId, adopted);
        try {
            pending.put(adopted.requestId, work);
            for (String piece : ahead.speculativePieces) {
                step.streamed(adopted.requestId, work, piece, adopted.forwardedPieces++, false);
            }
        } catch (RuntimeException unusable) {
            finish(adopted, new Outcome(null, new GenerationException("the step run ahead could not be taken: "
                    + unusable, unusable)));
            calls.remove(adopted.requestId);
            return;
        }
        settleAtOnce(adopted, now);
    }

    /** Advances a call just started or adopted: one that has its result already is forwarded now. */
    private void settleAtOnce(Call<W> call, long now) {
        if (advanceGuarded(call, now)) {
            calls.remove(call.requestId);
            if (commitWhenForwarded) {
                context.commit();
            }
        }
    }

    /** Pending items of this task: waiting, in flight or backing off. */
    public int pendingCount() {
        return calls.size();
    }

    /** Calls of this task that hold a permit (running or backing off). */
    public int inFlightCount() {
        return (int) calls.values().stream().filter(call -> call.holdsPermit).count();
    }

    /** Forwards what arrived since the last tick, retries what is due, starts what waits; commits if asked to. */
    public void tick() {
        long now = System.nanoTime();
        boolean forwardedResult = false;
        for (Iterator<Call<W>> it = calls.values().iterator(); it.hasNext(); ) {
            if (advanceGuarded(it.next(), now)) {
                it.remove();
                forwardedResult = true;
            }
        }
        startWaiting(now);
        advanceSpeculations(now);
        startSpeculations(now);
        meterPending();
        if (forwardedResult && commitWhenForwarded) {
            context.commit();
        }
    }

    /**
     * Forwards speculative calls' new text (marked); a finished one holds its result, giving its permit back; one that
     * failed, is not adopted within the call timeout, or whose text its step cannot take, is dropped.
     */
    private void advanceSpeculations(long now) {
        for (Iterator<Call<W>> it = speculative.values().iterator(); it.hasNext(); ) {
            Call<W> call = it.next();
            boolean drop = now > call.deadlineNanos || call.generation.completion().isCompletedExceptionally();
            if (!drop) {
                try {
                    forwardDeltas(call);
                } catch (RuntimeException unusable) {
                    LOG.debug("{}: dropping the call run ahead for {}", storeName, call.requestId, unusable);
                    drop = true;
                }
            }
            if (drop) {
                end(call);
                it.remove();
            } else if (call.generation.completion().isDone() && !call.resultHeld) {
                call.resultHeld = true;
                release(call); // a held result needs no permit: adopting it only forwards it
            }
        }
    }

    /**
     * Starts the speculations asked for, each if a permit is free and its request has no call of this stage; a
     * speculation never holds back actual work, and one that cannot be started is given up.
     */
    private void startSpeculations(long now) {
        for (Call<W> call : toSpeculate) {
            if (calls.containsKey(call.requestId) || !limit.tryAcquire()) {
                continue;
            }
            call.holdsPermit = true;
            try {
                submit(call, now);
            } catch (RuntimeException failed) {
                LOG.debug("{}: the call run ahead for {} did not start", storeName, call.requestId, failed);
                call.generation = null;
            }
            if (call.generation == null) {
                release(call);
                continue;
            }
            Call<W> replaced = speculative.put(call.requestId, call);
            if (replaced != null) {
                end(replaced);
            }
        }
        toSpeculate.clear();
    }

    /**
     * {@link #advance}, where a call whose deltas or result its step cannot handle fails its item (the request gets
     * its error events) instead of throwing out of the punctuator, which would try it again at every tick.
     */
    private boolean advanceGuarded(Call<W> call, long now) {
        try {
            return advance(call, now);
        } catch (RuntimeException unusable) {
            LOG.warn("{}: the output of {}'s call could not be used; failing the request", storeName, call.requestId,
                    unusable);
            if (call.generation != null) {
                call.generation.cancel();
            }
            finish(call, new Outcome(null, new GenerationException("the model's result could not be used: " + unusable,
                    unusable)));
            return true;
        }
    }

    /**
     * Moves one call on: forwards its new deltas, resubmits it when its backoff is over, and when it has finished
     * forwards its result and deletes its pending entry (or schedules a retry). Whether it finished.
     */
    private boolean advance(Call<W> call, long now) {
        if (!call.holdsPermit && !call.resultHeld) {
            return false; // waits for a permit
        }
        if (call.generation == null && call.invalid == null) {
            if (now >= call.retryAtNanos) {
                submit(call, now);
            }
            return false;
        }
        if (call.generation != null) {
            forwardDeltas(call);
        }
        Optional<Outcome> outcome = outcomeOf(call, now);
        if (outcome.isEmpty() || outcome.get().failure() != null && retry(call, outcome.get().failure(), now)) {
            return false;
        }
        finish(call, outcome.get());
        return true;
    }

    /** The task is closed or revoked: its calls are cancelled and give back their permits; nothing is forwarded. */
    public void close() {
        if (punctuator != null) {
            punctuator.cancel();
        }
        calls.values().forEach(this::end);
        calls.clear();
        speculative.values().forEach(this::end);
        speculative.clear();
        toSpeculate.clear();
        meterPending();
    }

    private void startWaiting(long now) {
        for (Call<W> call : calls.values()) {
            if (!call.holdsPermit && !startIfPermitted(call, now)) {
                return;
            }
        }
    }

    private boolean startIfPermitted(Call<W> call, long now) {
        if (!limit.tryAcquire()) {
            return false;
        }
        call.holdsPermit = true;
        submit(call, now);
        return true;
    }

    private void submit(Call<W> call, long now) {
        call.attempt++;
        call.retryAtNanos = 0;
        CompletionRequest request;
        try {
            request = step.request(call.requestId, call.work);
        } catch (RuntimeException invalid) {
            call.invalid = invalid;
            return;
        }
        ConcurrentLinkedQueue<String> arrived = new ConcurrentLinkedQueue<>();
        call.arrived = arrived;
        call.attemptText.setLength(0);
        call.deadlineNanos = now + settings.callTimeout().toNanos();
        try {
            call.generation = generator.submit(request, step.takesPieces() ? (id, delta) -> arrived.add(delta)
                    : DeltaListener.NONE);
        } catch (RuntimeException broken) {
            // the contract is a failed Generation, not a throw; a backend that throws fails its item the same way
            call.invalid = broken;
        }
    }

    /** The call's finished outcome, if it has one: its completion, a failure, or its deadline passed. */
    private Optional<Outcome> outcomeOf(Call<W> call, long now) {
        if (call.invalid != null) {
            return Optional.of(new Outcome(null, call.invalid));
        }
        if (!call.generation.completion().isDone()) {
            if (now > call.deadlineNanos) {
                call.generation.cancel();
                return Optional.of(new Outcome(null, GenerationException.retryable("no completion within "
                        + settings.callTimeout().toMillis() + " ms", null)));
            }
            return Optional.empty();
        }
        try {
            Completion completion = call.generation.completion().join();
            forwardDeltas(call); // deltas delivered just before the completion
            return Optional.of(reconciled(call, completion));
        } catch (CompletionException | CancellationException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            return Optional.of(new Outcome(null, cause instanceof RuntimeException runtime ? runtime
                    : new GenerationException(cause.toString(), cause)));
        }
    }

    /**
     * The wait after a call's {@code attempt}-th failure, before jitter: {@code first} doubled for each attempt after
     * the first, up to {@link #MAX_RETRY_BACKOFF} (or {@code first}, if that is longer): many attempts would otherwise
     * wait for hours, holding their permit, and the doubling would overflow.
     */
    static long backoffNanos(long first, int attempt) {
        long cap = Math.max(first, MAX_RETRY_BACKOFF.toNanos());
        int doublings = Math.min(attempt - 1, 62);
        return first > cap >> doublings ? cap : first << doublings;
    }

    /** Whether the failed call is tried again (after a backoff); it keeps its permit meanwhile. */
    private boolean retry(Call<W> call, RuntimeException failure, long now) {
        boolean retryable = failure instanceof InferenceException inference && inference.retryable();
        if (!retryable || call.attempt >= settings.maxAttempts()) {
            return false;
        }
        long backoff = backoffNanos(settings.retryBackoff().toNanos(), call.attempt);
        long jittered = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
        // a backend that said when to come back (a 429's Retry-After) is not asked sooner
        long asked = ((InferenceException) failure).retryAfter().map(Duration::toNanos).orElse(0L);
        jittered = Math.max(jittered, asked);
        LOG.debug("{} call of {} failed (attempt {} of {}), retrying in {} ms: {}", storeName, call.requestId, call.attempt,
                settings.maxAttempts(), jittered / 1_000_000, failure.getMessage());
        call.generation = null;
        call.retryAtNanos = now + jittered;
        return true;
    }

    /**
     * Forwards the call's result and deletes its pending entry. A step that throws on a result (a completion it cannot
     * use) fails the item instead, so the request gets its error events and the other calls go on; one that throws on
     * the failure too is logged, and the item is dropped rather than retried forever.
     */
    private void finish(Call<W> call, Outcome outcome) {
        try {
            if (outcome.failure() != null) {
                step.failed(call.requestId, call.work, outcome.failure());
            } else {
                metrics.generated(model, outcome.completion().generatedTokens());
                try {
                    step.completed(call.requestId, call.work, outcome.completion(), call.forwardedPieces);
                } catch (RuntimeException unusable) {
                    LOG.warn("{}: the result of {}'s call could not be used; failing the request", storeName,
                            call.requestId, unusable);
                    step.failed(call.requestId, call.work, new GenerationException("the model's result could not be"
                            + " used: " + unusable, unusable));
                }
            }
        } catch (RuntimeException lost) {
            LOG.error("{}: request {} could not be ended with its error events; dropping its pending call", storeName,
                    call.requestId, lost);
        } finally {
            try {
                pending.delete(call.requestId);
            } finally {
                release(call);
            }
        }
    }

    /** Gives the call up: cancelled, its permit back. */
    private void end(Call<W> call) {
        if (call.generation != null) {
            call.generation.cancel();
            call.generation = null;
        }
        release(call);
    }

    private void release(Call<W> call) {
        if (call.holdsPermit) {
            call.holdsPermit = false;
            limit.release();
        }
    }

    /**
     * Forwards the pieces of the current attempt that go beyond what was forwarded for the call before: a retry writes
     * the same text again (seeded), and only its new part is new.
     */
    private void forwardDeltas(Call<W> call) {
        for (String piece; (piece = call.arrived.poll()) != null; ) {
            int from = call.attemptText.length();
            call.attemptText.append(piece);
            int alreadyForwarded = call.forwardedText.length();
            int overlap = Math.min(call.attemptText.length(), alreadyForwarded);
            if (from < overlap && !call.attemptText.substring(from, overlap)
                    .equals(call.forwardedText.substring(from, overlap))) {
                call.retryDiverged = true; // what was forwarded cannot be taken back
            }
            if (call.attemptText.length() <= alreadyForwarded) {
                continue;
            }
            String fresh = from >= alreadyForwarded ? piece : call.attemptText.substring(alreadyForwarded);
            call.forwardedText.append(fresh);
            if (call.speculative) {
                call.speculativePieces.add(fresh);
            }
            step.streamed(call.requestId, call.work, fresh, call.forwardedPieces++, call.speculative);
        }
    }

    /**
     * The completion, checked against what was streamed: the streamed text must be the start of its text (the rest,
     * from a backend that streamed less or nothing, is forwarded now as one more piece).
     */
    private Outcome reconciled(Call<W> call, Completion completion) {
        String text = completion.text();
        String streamed = call.forwardedText.toString();
        if (call.retryDiverged) {
            return new Outcome(null, new GenerationException("a retry wrote other text than the failed attempt had"
                    + " already streamed (the backend does not repeat itself for this request), and streamed text cannot"
                    + " be taken back"));
        }
        if (!text.startsWith(streamed)) {
            return new Outcome(null, new GenerationException("the generator streamed text that is not its completion's"));
        }
        if (text.length() > streamed.length()) {
            String rest = text.substring(streamed.length());
            call.forwardedText.append(rest);
            step.streamed(call.requestId, call.work, rest, call.forwardedPieces++, false);
        }
        return new Outcome(completion, null);
    }

    private record Outcome(Completion completion, RuntimeException failure) {
    }

    /** One pending item and its model call, as the stream thread sees it. */
    private static final class Call<W> {

        final String requestId;
        final W work;
        final int round;
        /** Run ahead of its work item ({@link #speculate}), not adopted yet. */
        final boolean speculative;
        /** The pieces forwarded while speculative, in order: forwarded again, unmarked, when the call is adopted. */
        final List<String> speculativePieces = new ArrayList<>();
        boolean holdsPermit;
        /** A speculative call that finished: its result waits for adoption without a permit. */
        boolean resultHeld;
        int attempt;
        /** The running attempt, or null while waiting for a permit or backing off. */
        Generation generation;
        /** Deltas of the running attempt, filled by the backend's thread. */
        ConcurrentLinkedQueue<String> arrived = new ConcurrentLinkedQueue<>();
        final StringBuilder attemptText = new StringBuilder();
        final StringBuilder forwardedText = new StringBuilder();
        /** An attempt's text differed from what earlier attempts had forwarded. */
        boolean retryDiverged;
        int forwardedPieces;
        long deadlineNanos;
        long retryAtNanos;
        RuntimeException invalid;

        Call(String requestId, W work, int round, boolean speculative) {
            this.requestId = requestId;
            this.work = work;
            this.round = round;
            this.speculative = speculative;
        }

        /** This speculative call as the actual item's: the same running attempt and text, the item's work. */
        Call<W> adoptedAs(W actualWork) {
            Call<W> adopted = new Call<>(requestId, actualWork, round, false);
            adopted.holdsPermit = holdsPermit;
            adopted.resultHeld = resultHeld;
            adopted.attempt = attempt;
            adopted.generation = generation;
            adopted.arrived = arrived;
            adopted.attemptText.append(attemptText);
            adopted.forwardedText.append(forwardedText);
            adopted.deadlineNanos = deadlineNanos;
            return adopted;
        }
    }
}
