package io.streamaligner.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Asks one arm every question with at most {@code concurrency} answers in flight, each with its question's
 * upstream sampling. A question the arm fails on is recorded as a failed answer; the run goes on.
 */
public final class ArmRunner {

    private final int concurrency;
    private final Function<EvalItem, QuestionSampling> samplingOf;

    /**
     * @param concurrency answers in flight at most
     * @param samplingOf  the upstream's sampling for a question, the same whichever arm asks
     */
    public ArmRunner(int concurrency, Function<EvalItem, QuestionSampling> samplingOf) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        this.concurrency = concurrency;
        this.samplingOf = Objects.requireNonNull(samplingOf, "samplingOf");
    }

    /**
     * Asks the arm every item, in dataset order as far as concurrency allows.
     *
     * @param runId    makes request ids unique across runs sharing a broker
     * @param progress told after each answer
     */
    public ArmResults run(EvalArm arm, List<EvalItem> items, String runId, Runnable progress) throws InterruptedException {
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, task -> {
            Thread thread = new Thread(task, "eval-" + arm.name().label() + "-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        long start = System.nanoTime();
        try {
            List<Future<ArmAnswer>> pending = new ArrayList<>(items.size());
            for (EvalItem item : items) {
                String requestId = runId + "-" + arm.name().label() + "-" + item.lineNumber();
                pending.add(pool.submit(() -> {
                    ArmAnswer answer = ask(arm, requestId, item);
                    progress.run();
                    return answer;
                }));
            }
            List<ArmAnswer> answers = new ArrayList<>(items.size());
            for (Future<ArmAnswer> answer : pending) {
                answers.add(answer.get());
            }
            return new ArmResults(arm.name(), answers, System.nanoTime() - start);
        } catch (ExecutionException e) {
            throw new IllegalStateException("eval task failed outside the arm", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private ArmAnswer ask(EvalArm arm, String requestId, EvalItem item) {
        long start = System.nanoTime();
        try {
            return arm.answer(requestId, item.question(), samplingOf.apply(item));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ArmAnswer.failed(System.nanoTime() - start, "interrupted");
        } catch (Exception e) {
            String message = e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + e.getMessage();
            return ArmAnswer.failed(System.nanoTime() - start, message);
        }
    }
}
