package io.streamaligner.eval.judge;

import java.util.Objects;

/**
 * The judge's two verdicts on one question and one dimension, as cached and reported.
 *
 * @param key                 identifies what was judged (see {@link JudgeCache#key})
 * @param lineNumber          the question's line in the dataset
 * @param dimension           what was judged
 * @param streamFirst         the verdict with the stream answer shown as response A
 * @param upstreamFirst       the verdict with the upstream answer shown as response A
 * @param streamFirstReply    the judge's reply to the first order, for audit
 * @param upstreamFirstReply  the judge's reply to the second order
 */
public record JudgedPair(String key, int lineNumber, JudgeDimension dimension, Verdict streamFirst, Verdict upstreamFirst,
                         String streamFirstReply, String upstreamFirstReply) {

    public JudgedPair {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(dimension, "dimension");
        Objects.requireNonNull(streamFirst, "streamFirst");
        Objects.requireNonNull(upstreamFirst, "upstreamFirst");
        Objects.requireNonNull(streamFirstReply, "streamFirstReply");
        Objects.requireNonNull(upstreamFirstReply, "upstreamFirstReply");
    }

    public PairwiseOutcome outcome() {
        return PairwiseOutcome.of(streamFirst, upstreamFirst);
    }
}
