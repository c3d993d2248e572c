package io.streamaligner.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What one arm achieved on the dataset.
 *
 * @param arm              which arm
 * @param answers          questions asked
 * @param errors           questions the arm failed on (counted as wrong)
 * @param graded           questions with an expected answer
 * @param correct          graded questions answered with the expected number
 * @param accuracy         correct ÷ graded; empty when nothing is graded
 * @param changedShare     sentences the aligner changed ÷ sentences it saw; empty for the upstream arm
 * @param roundsPerAnswer  mean rounds (sentences) per successful answer
 * @param firstSentence    time to first (aligned) sentence per answer
 * @param round            time each round added to an answer, over all rounds
 * @param total            time per whole answer
 * @param answersPerSecond answers completed ÷ the arm's wall time, with its concurrency
 */
public record ArmMetrics(ArmName arm, int answers, int errors, int graded, int correct, OptionalDouble accuracy,
                         OptionalDouble changedShare, double roundsPerAnswer, LatencySummary firstSentence,
                         LatencySummary round, LatencySummary total, double answersPerSecond) {

    public ArmMetrics {
        Objects.requireNonNull(arm, "arm");
        Objects.requireNonNull(accuracy, "accuracy");
        Objects.requireNonNull(changedShare, "changedShare");
        Objects.requireNonNull(firstSentence, "firstSentence");
        Objects.requireNonNull(round, "round");
        Objects.requireNonNull(total, "total");
    }

    /**
     * Measures an arm's results against the items they answer.
     *
     * @param items the questions, in the order of {@code results.answers()}
     */
    public static ArmMetrics of(ArmResults results, List<EvalItem> items) {
        List<ArmAnswer> answers = results.answers();
        if (answers.size() != items.size()) {
            throw new IllegalArgumentException(answers.size() + " answers for " + items.size() + " items");
        }
        int errors = 0;
        int graded = 0;
        int correct = 0;
        int revisions = 0;
        int changed = 0;
        int succeeded = 0;
        long rounds = 0;
        List<Long> firstSentence = new ArrayList<>();
        List<Long> roundNanos = new ArrayList<>();
        List<Long> totalNanos = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            ArmAnswer answer = answers.get(i);
            EvalItem item = items.get(i);
            if (item.expectedAnswer().isPresent()) {
                graded++;
                if (answer.succeeded() && AnswerNumbers.isCorrect(answer.answer(), item.expectedAnswer().get())) {
                    correct++;
                }
            }
            if (!answer.succeeded()) {
                errors++;
                continue;
            }
            succeeded++;
            rounds += answer.rounds();
            revisions += answer.revisions().size();
            changed += (int) answer.revisions().stream().filter(SentenceRevision::changed).count();
            answer.firstSentenceNanos().ifPresent(firstSentence::add);
            roundNanos.addAll(answer.roundNanos());
            totalNanos.add(answer.totalNanos());
        }
        double seconds = results.wallNanos() / 1e9;
        return new ArmMetrics(results.arm(), answers.size(), errors, graded, correct,
                graded == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) correct / graded),
                revisions == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) changed / revisions),
                succeeded == 0 ? Double.NaN : (double) rounds / succeeded,
                LatencySummary.ofNanos(firstSentence), LatencySummary.ofNanos(roundNanos), LatencySummary.ofNanos(totalNanos),
                seconds > 0 ? succeeded / seconds : Double.NaN);
    }
}
