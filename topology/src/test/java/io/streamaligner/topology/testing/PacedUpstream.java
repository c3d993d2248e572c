package io.streamaligner.topology.testing;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.Generation;
import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.TextGenerator;
import io.streamaligner.loop.testing.TestPrompts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * An upstream for integration tests that behaves like a remote model server: {@link #submit} only records the call
 * and returns; everything the call writes happens later on this generator's own timer thread, never the caller's.
 * Prompts are {@link TestPrompts#UPSTREAM}'s. For a question it answers, each step writes the next scripted sentence
 * (the one after as many sentences as the aligned prefix holds, with a leading space after a non-empty prefix) as
 * {@code pieces} deltas {@code pieceInterval} apart, completes {@code completionDelay} after the last one
 * ({@link FinishReason#STOP}), and once the script is exhausted writes nothing ({@link FinishReason#EOS}). Other
 * behaviours, per question: {@link Behaviour#HOLD} (nothing happens until {@link #release}), {@link Behaviour#FAIL}
 * (fails retryably), {@link Behaviour#HANG} (never completes). Every call and its cancellation are recorded.
 */
public final class PacedUpstream implements TextGenerator {

    /** What a call for a question does. */
    public enum Behaviour {
        /** Writes the next scripted sentence, piece by piece on the timer. */
        ANSWER,
        /** Does nothing until {@link #release} answers it (and every later call for the question). */
        HOLD,
        /** Fails on the timer with a retryable {@link GenerationException}. */
        FAIL,
        /** Never writes nor completes; only a cancellation ends it. */
        HANG
    }

    /** One submitted call, as the backend sees it. */
    public final class Call implements Generation {

        private final CompletionRequest request;
        private final String question;
        private final DeltaListener listener;
        private final CompletableFuture<Completion> completion = new CompletableFuture<>();
        private final CompletableFuture<Void> cancelled = new CompletableFuture<>();
        private final long submittedNanos = System.nanoTime();
        /** When the call wrote its last piece ({@link System#nanoTime()}), once it has. */
        private final CompletableFuture<Long> lastPieceWritten = new CompletableFuture<>();
        private boolean started;

        private Call(CompletionRequest request, String question, DeltaListener listener) {
            this.request = request;
            this.question = question;
            this.listener = listener;
        }

        public CompletionRequest request() {
            return request;
        }

        public String question() {
            return question;
        }

        /** Completes with the {@link System#nanoTime()} at which the call wrote its last piece. */
        public CompletableFuture<Long> lastPieceWritten() {
            return lastPieceWritten;
        }

        /** Whether the caller gave the call up. */
        public boolean cancelled() {
            return cancelled.isDone();
        }

        /** Completes when the caller gives the call up. */
        public CompletableFuture<Void> cancellation() {
            return cancelled;
        }

        @Override
        public CompletableFuture<Completion> completion() {
            return completion;
        }

        @Override
        public void cancel() {
            cancelled.complete(null);
            completion.completeExceptionally(new GenerationException("cancelled"));
        }

        /** Starts writing the answer on the timer, once. */
        private synchronized void answer() {
            if (started) {
                return;
            }
            started = true;
            String prefix = TestPrompts.parseUpstream(request.prompt())[1];
            List<String> script = answers.getOrDefault(question, List.of());
            int done = TestPrompts.countSentences(prefix);
            if (done >= script.size()) {
                timer.execute(() -> complete("", FinishReason.EOS, 1));
                return;
            }
            String text = (prefix.isEmpty() ? "" : " ") + script.get(done);
            List<String> split = split(text, pieces);
            long interval = pieceInterval.toNanos();
            for (int i = 0; i < split.size(); i++) {
                String piece = split.get(i);
                boolean last = i == split.size() - 1;
                timer.schedule(() -> {
                    if (!completion.isDone()) {
                        if (last) {
                            lastPieceWritten.complete(System.nanoTime());
                        }
                        listener.onDelta(request.id(), piece);
                    }
                }, i * interval, TimeUnit.NANOSECONDS);
            }
            long end = (split.size() - 1) * interval + completionDelay.toNanos();
            timer.schedule(() -> complete(text, FinishReason.STOP, split.size()), end, TimeUnit.NANOSECONDS);
        }

        private void complete(String text, FinishReason reason, int tokens) {
            completion.complete(new Completion(request.id(), text, reason, 10, tokens, System.nanoTime() - submittedNanos));
        }
    }

    private final Map<String, List<String>> answers = new ConcurrentHashMap<>();
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final List<Call> calls = new ArrayList<>();
    private final int pieces;
    private final Duration pieceInterval;
    private final Duration completionDelay;
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
        Thread thread = new Thread(task, "paced-upstream-timer");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param pieces          deltas a sentence is written in (fewer for a shorter sentence)
     * @param pieceInterval   time between two deltas of a step
     * @param completionDelay time from the last delta to the completion
     */
    public PacedUpstream(int pieces, Duration pieceInterval, Duration completionDelay) {
        if (pieces <= 0) {
            throw new IllegalArgumentException("pieces must be positive, got " + pieces);
        }
        this.pieces = pieces;
        this.pieceInterval = pieceInterval;
        this.completionDelay = completionDelay;
    }

    /** The question is answered with these sentences, one per step. */
    public PacedUpstream answer(String question, String... sentences) {
        answers.put(question, List.of(sentences));
        return this;
    }

    /** Calls for the question behave so (every question answers unless told otherwise). */
    public PacedUpstream behave(String question, Behaviour behaviour) {
        behaviours.put(question, behaviour);
        return this;
    }

    /** The held question is answered from now on: its held calls that were not cancelled start writing. */
    public void release(String question) {
        List<Call> held;
        synchronized (this) {
            behaviours.put(question, Behaviour.ANSWER);
            held = calls.stream().filter(call -> call.question.equals(question) && !call.cancelled()).toList();
        }
        held.forEach(Call::answer);
    }

    @Override
    public Generation submit(CompletionRequest request, DeltaListener listener) {
        String question = TestPrompts.parseUpstream(request.prompt())[0];
        Call call = new Call(request, question, listener);
        Behaviour behaviour;
        synchronized (this) {
            calls.add(call);
            behaviour = behaviours.getOrDefault(question, Behaviour.ANSWER);
            notifyAll();
        }
        switch (behaviour) {
            case ANSWER -> call.answer();
            case FAIL -> timer.schedule(() -> {
                call.completion.completeExceptionally(GenerationException.retryable("server busy for '" + question + "'", null));
            }, 5, TimeUnit.MILLISECONDS);
            case HOLD, HANG -> {
            }
        }
        return call;
    }

    /** Every call for the question so far, in submission order. */
    public synchronized List<Call> calls(String question) {
        return calls.stream().filter(call -> call.question.equals(question)).toList();
    }

    /**
     * Waits until at least {@code count} calls for the question were submitted and returns them all.
     *
     * @throws AssertionError if they are not within {@code timeout}
     */
    public synchronized List<Call> awaitCalls(String question, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (calls(question).size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(count + " call(s) for '" + question + "' not submitted within " + timeout
                        + "; got " + calls(question).size());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return calls(question);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** {@code text} cut into at most {@code count} non-empty pieces of near-equal length. */
    static List<String> split(String text, int count) {
        int n = Math.max(1, Math.min(count, text.length()));
        List<String> split = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            split.add(text.substring(i * text.length() / n, (i + 1) * text.length() / n));
        }
        return split;
    }
}
