package io.streamaligner.eval.judge;

import java.util.Objects;

/**
 * One question to judge: the stream arm's answer against the upstream arm's.
 *
 * @param lineNumber     the question's line in the dataset
 * @param question       the question both answered
 * @param streamAnswer   the stream aligner's answer
 * @param upstreamAnswer the upstream model's answer alone
 */
public record JudgeItem(int lineNumber, String question, String streamAnswer, String upstreamAnswer) {

    public JudgeItem {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(streamAnswer, "streamAnswer");
        Objects.requireNonNull(upstreamAnswer, "upstreamAnswer");
    }
}
