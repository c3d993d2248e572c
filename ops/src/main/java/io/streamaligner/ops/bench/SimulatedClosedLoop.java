package io.streamaligner.ops.bench;

import io.streamaligner.client.AlignmentClient;
import io.streamaligner.client.AlignmentRequests;
import io.streamaligner.client.ResponseListener;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.SentenceAligned;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A closed loop of clients over {@link SimulatedLatencyModels}: each answer submits the next request, so as many stay in
 * flight as were started; after a warm-up it records each answer's time to first sentence and total time, until the
 * measured answers are in. Every answer must take exactly the simulated rounds.
 */
final class SimulatedClosedLoop {

    private final AlignmentClient client;
    private final int rounds;
    private final int warmup;
    private final int measured;
    final AtomicInteger submitted = new AtomicInteger();
    final AtomicInteger completed = new AtomicInteger();
    final AtomicLong windowStartNanos = new AtomicLong();
    final AtomicLong windowEndNanos = new AtomicLong();
    final ConcurrentLinkedQueue<Double> ttfsMs = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Double> totalMs = new ConcurrentLinkedQueue<>();
    /** The warm-up's figures: reported only for a level where no measured answer came in time. */
    final ConcurrentLinkedQueue<Double> warmupTtfsMs = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Double> warmupTotalMs = new ConcurrentLinkedQueue<>();
    final CountDownLatch measuredDone = new CountDownLatch(1);
    final AtomicReference<String> failure = new AtomicReference<>();
    volatile boolean stopped;

    SimulatedClosedLoop(AlignmentClient client, int rounds, int warmup, int measured) {
        this.client = client;
        this.rounds = rounds;
        this.warmup = warmup;
        this.measured = measured;
    }

    void submitNext() {
        if (stopped) {
            return;
        }
        int index = submitted.getAndIncrement();
        boolean counted = index >= warmup;
        long start = System.nanoTime();
        AtomicLong firstSentence = new AtomicLong();
        CompletableFuture<AnswerFinal> answer = client.submit(AlignmentRequests.builder("request-" + index,
                "Write " + rounds + " sentences.").setMaxRounds(rounds + 1).build(), new ResponseListener() {
            @Override
            public void onSentence(SentenceAligned sentence) {
                firstSentence.compareAndSet(0, System.nanoTime());
            }
        });
        answer.whenComplete((answerFinal, error) -> {
            long end = System.nanoTime();
            if (error != null) {
                failure.compareAndSet(null, error.toString());
                measuredDone.countDown();
                return;
            }
            if (answerFinal.getRounds() != rounds) {
                failure.compareAndSet(null, answerFinal.getRequestId() + " ended after " + answerFinal.getRounds() + " rounds ("
                        + answerFinal.getFinishReason() + ")");
            }
            int done = completed.incrementAndGet();
            if (done == warmup) {
                windowStartNanos.set(end);
            }
            double ttfs = (firstSentence.get() - start) / 1e6;
            double total = (end - start) / 1e6;
            (counted ? ttfsMs : warmupTtfsMs).add(ttfs);
            (counted ? totalMs : warmupTotalMs).add(total);
            if (done == warmup + measured) {
                windowEndNanos.set(end);
                measuredDone.countDown();
            }
            submitNext();
        });
    }
}
