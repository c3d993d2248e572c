package io.streamaligner.eval.judge;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Judges stream answers against upstream answers, question by question, on every {@link JudgeDimension}: asks
 * the judge twice per question and dimension, once with the stream answer shown first and once with it shown
 * second, and combines the two verdicts ({@link PairwiseOutcome}) to cancel position bias. Verdicts come from
 * the {@link JudgeCache} where it has them and go into it as they arrive.
 */
public final class PairwiseJudge {

    private final JudgeModel judge;
    private final String judgeModel;
    private final JudgeCache cache;
    private final int concurrency;

    /**
     * @param judge       asks the judge
     * @param judgeModel  the judge model's name, part of the cache key
     * @param concurrency judge calls in flight at most
     */
    public PairwiseJudge(JudgeModel judge, String judgeModel, JudgeCache cache, int concurrency) {
        this.judge = Objects.requireNonNull(judge, "judge");
        this.judgeModel = Objects.requireNonNull(judgeModel, "judgeModel");
        this.cache = Objects.requireNonNull(cache, "cache");
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        this.concurrency = concurrency;
    }

    /**
     * Judges every item on every dimension.
     *
     * @param progress told after each question and dimension
     */
    public JudgeResults judge(List<JudgeItem> items, Runnable progress) throws InterruptedException {
        AtomicInteger fromCache = new AtomicInteger();
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, task -> {
            Thread thread = new Thread(task, "eval-judge-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<JudgedPair>> pending = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (JudgeDimension dimension : JudgeDimension.values()) {
                for (JudgeItem item : items) {
                    labels.add("line " + item.lineNumber() + " " + dimension.label());
                    pending.add(pool.submit(() -> {
                        try {
                            return judgeOne(item, dimension, fromCache);
                        } finally {
                            progress.run();
                        }
                    }));
                }
            }
            List<JudgedPair> pairs = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                try {
                    pairs.add(pending.get(i).get());
                } catch (ExecutionException e) {
                    failures.add(labels.get(i) + ": " + e.getCause().getMessage());
                }
            }
            return results(pairs, fromCache.get(), failures);
        } finally {
            pool.shutdownNow();
        }
    }

    private JudgedPair judgeOne(JudgeItem item, JudgeDimension dimension, AtomicInteger fromCache) {
        String key = JudgeCache.key(judgeModel, dimension, item.question(), item.streamAnswer(), item.upstreamAnswer());
        var cached = cache.get(key);
        if (cached.isPresent()) {
            fromCache.incrementAndGet();
            return cached.get();
        }
        String streamFirstReply = judge.reply(dimension.rubric(),
                dimension.comparison(item.question(), item.streamAnswer(), item.upstreamAnswer()));
        String upstreamFirstReply = judge.reply(dimension.rubric(),
                dimension.comparison(item.question(), item.upstreamAnswer(), item.streamAnswer()));
        JudgedPair pair = new JudgedPair(key, item.lineNumber(), dimension, Verdict.parse(streamFirstReply),
                Verdict.parse(upstreamFirstReply), streamFirstReply, upstreamFirstReply);
        cache.put(pair);
        return pair;
    }

    private JudgeResults results(List<JudgedPair> pairs, int fromCache, List<String> failures) {
        Map<JudgeDimension, WinRate> winRates = new EnumMap<>(JudgeDimension.class);
        int unparseable = 0;
        for (JudgeDimension dimension : JudgeDimension.values()) {
            winRates.put(dimension, WinRate.of(pairs.stream()
                    .filter(pair -> pair.dimension() == dimension).map(JudgedPair::outcome).toList()));
        }
        for (JudgedPair pair : pairs) {
            unparseable += (pair.streamFirst() == Verdict.UNPARSEABLE ? 1 : 0) + (pair.upstreamFirst() == Verdict.UNPARSEABLE ? 1 : 0);
        }
        return new JudgeResults(judgeModel, winRates, pairs, fromCache, unparseable, failures);
    }
}
