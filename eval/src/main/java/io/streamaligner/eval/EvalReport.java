package io.streamaligner.eval;

import io.streamaligner.eval.judge.JudgeResults;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Everything an evaluation found: its settings, the questions, each arm's answers and, in judge mode, the
 * judge's verdicts. The metrics, the table and the summary line are computed from these, so the terminal,
 * {@code report.md} and {@code report.json} cannot disagree.
 *
 * @param settings how the run was made
 * @param items    the questions asked, in dataset order
 * @param skipped  dataset lines that held no usable question
 * @param results  each arm's answers, in the order the arms ran
 * @param judge    the judge's verdicts on stream vs upstream answers, in judge mode
 */
public record EvalReport(EvalSettings settings, List<EvalItem> items, List<EvalDataset.SkippedLine> skipped,
                         List<ArmResults> results, Optional<JudgeResults> judge) {

    public EvalReport {
        Objects.requireNonNull(settings, "settings");
        items = List.copyOf(Objects.requireNonNull(items, "items"));
        skipped = List.copyOf(Objects.requireNonNull(skipped, "skipped"));
        results = List.copyOf(Objects.requireNonNull(results, "results"));
        Objects.requireNonNull(judge, "judge");
    }

    public List<ArmMetrics> metrics() {
        return results.stream().map(result -> ArmMetrics.of(result, items)).toList();
    }

    public Optional<ArmMetrics> metrics(ArmName arm) {
        return results.stream().filter(result -> result.arm() == arm).findFirst().map(result -> ArmMetrics.of(result, items));
    }

    public Optional<ArmResults> results(ArmName arm) {
        return results.stream().filter(result -> result.arm() == arm).findFirst();
    }

    /**
     * The stream arm's median time to first aligned sentence over the posthoc arm's: below 1 the stream aligner
     * shows its first corrected sentence sooner. Empty unless both arms ran and produced sentences.
     */
    public OptionalDouble ttfsRatio() {
        double stream = metrics(ArmName.STREAM).map(m -> m.firstSentence().p50Ms()).orElse(Double.NaN);
        double posthoc = metrics(ArmName.POSTHOC).map(m -> m.firstSentence().p50Ms()).orElse(Double.NaN);
        return Double.isNaN(stream) || Double.isNaN(posthoc) || posthoc <= 0 ? OptionalDouble.empty()
                : OptionalDouble.of(stream / posthoc);
    }

    /**
     * The run in one line, always the last line the command prints:
     * {@code eval n=N upstream=U stream=S posthoc=P ttfs_ratio=R} with accuracies as fractions and R the median
     * time-to-first-aligned-sentence ratio; {@code n/a} where an arm did not run or nothing was graded.
     */
    public String summaryLine() {
        return String.format(Locale.ROOT, "eval n=%d upstream=%s stream=%s posthoc=%s ttfs_ratio=%s", items.size(),
                accuracy(ArmName.UPSTREAM), accuracy(ArmName.STREAM), accuracy(ArmName.POSTHOC), format(ttfsRatio()));
    }

    private String accuracy(ArmName arm) {
        return format(metrics(arm).map(ArmMetrics::accuracy).orElse(OptionalDouble.empty()));
    }

    private static String format(OptionalDouble value) {
        return value.isPresent() ? String.format(Locale.ROOT, "%.3f", value.getAsDouble()) : "n/a";
    }
}
