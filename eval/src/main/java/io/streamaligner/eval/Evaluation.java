package io.streamaligner.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Runs the arms one after another on the same questions, so that no arm's timings suffer from another's load:
 * each arm first answers a few warm-up questions (not counted; they load the engines' code paths and, for the
 * stream arm, Kafka's connections), then every question with at most {@code concurrency} in flight.
 */
public final class Evaluation {

    private final List<EvalArm> arms;
    private final ArmRunner runner;
    private final int warmup;
    private final ProgressBar progress;
    private final String runId = "eval-" + UUID.randomUUID().toString().substring(0, 8);

    /**
     * @param arms   in the order to run them
     * @param warmup questions each arm answers before measuring (the dataset's first ones)
     */
    public Evaluation(List<EvalArm> arms, ArmRunner runner, int warmup, ProgressBar progress) {
        this.arms = List.copyOf(Objects.requireNonNull(arms, "arms"));
        this.runner = Objects.requireNonNull(runner, "runner");
        if (warmup < 0) {
            throw new IllegalArgumentException("warmup must not be negative, got " + warmup);
        }
        this.warmup = warmup;
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /** Each arm's answers to {@code items}, in the order of the arms. */
    public List<ArmResults> run(List<EvalItem> items) throws InterruptedException {
        List<ArmResults> results = new ArrayList<>(arms.size());
        for (EvalArm arm : arms) {
            List<EvalItem> warmupItems = items.subList(0, Math.min(warmup, items.size()));
            if (!warmupItems.isEmpty()) {
                progress.start(arm.name().label() + " warm-up", warmupItems.size());
                runner.run(arm, warmupItems, runId + "-warmup", progress::step);
                progress.finish();
            }
            progress.start(arm.name().label(), items.size());
            results.add(runner.run(arm, items, runId, progress::step));
            progress.finish();
        }
        return results;
    }
}
