package io.streamaligner.eval.judge;

import io.streamaligner.eval.ArmAnswer;
import io.streamaligner.eval.ArmName;
import io.streamaligner.eval.ArmResults;
import io.streamaligner.eval.EvalItem;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * The judge mode of an evaluation: the stream arm's answers against the upstream arm's, question by question, by a
 * {@link PairwiseJudge} whose verdicts are cached in a file so that an interrupted run resumes.
 */
public final class StreamVersusUpstream {

    private final JudgeModel judge;
    private final String judgeModel;
    private final Path cacheFile;
    private final int concurrency;

    public StreamVersusUpstream(JudgeModel judge, String judgeModel, Path cacheFile, int concurrency) {
        this.judge = Objects.requireNonNull(judge, "judge");
        this.judgeModel = Objects.requireNonNull(judgeModel, "judgeModel");
        this.cacheFile = Objects.requireNonNull(cacheFile, "cacheFile");
        this.concurrency = concurrency;
    }

    /** The questions both arms answered without error, paired; the results must hold both arms. */
    public static List<JudgeItem> pairs(List<EvalItem> items, List<ArmResults> results) {
        ArmResults upstream = armOf(results, ArmName.UPSTREAM);
        ArmResults stream = armOf(results, ArmName.STREAM);
        List<JudgeItem> pairs = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            ArmAnswer streamAnswer = stream.answers().get(i);
            ArmAnswer upstreamAnswer = upstream.answers().get(i);
            if (streamAnswer.succeeded() && upstreamAnswer.succeeded()) {
                pairs.add(new JudgeItem(items.get(i).lineNumber(), items.get(i).question(), streamAnswer.answer(),
                        upstreamAnswer.answer()));
            }
        }
        return pairs;
    }

    /**
     * Judges the pairs on every dimension, from and into the cache.
     *
     * @param started  told how many verdicts are cached before judging starts
     * @param progress told after each question and dimension
     */
    public JudgeResults judge(List<JudgeItem> pairs, IntConsumer started, Runnable progress)
            throws InterruptedException {
        try (JudgeCache cache = JudgeCache.open(cacheFile)) {
            started.accept(cache.size());
            return new PairwiseJudge(judge, judgeModel, cache, concurrency).judge(pairs, progress);
        }
    }

    private static ArmResults armOf(List<ArmResults> results, ArmName arm) {
        return results.stream().filter(result -> result.arm() == arm).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the judge needs the " + arm.label() + " arm's answers"));
    }
}
