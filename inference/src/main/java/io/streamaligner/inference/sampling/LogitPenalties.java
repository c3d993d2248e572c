package io.streamaligner.inference.sampling;

import java.util.Arrays;

/**
 * Lowers the logits of tokens already seen, in place, before any sampling rule.
 * <ul>
 *   <li>repetition penalty (CTRL, as HuggingFace applies it): every token in the prompt or generated so far has
 *       a positive logit divided by, a negative one multiplied by, the penalty;</li>
 *   <li>frequency penalty (as OpenAI applies it): penalty × (times generated) is subtracted.</li>
 * </ul>
 * Only the tokens seen are touched, so a step costs O(distinct tokens seen), not O(vocabulary).
 */
public final class LogitPenalties {

    private final float repetitionPenalty;
    private final float frequencyPenalty;
    /** (vocab) how often each token was generated. */
    private final int[] generatedCounts;
    /** (vocab) whether a token was seen in the prompt or the output. */
    private final boolean[] seen;
    /** distinct seen tokens, in first-seen order; its first seenCount entries are valid. */
    private int[] seenTokens;
    private int seenCount;

    public LogitPenalties(double repetitionPenalty, double frequencyPenalty, int vocabSize, int[] promptIds) {
        if (!(repetitionPenalty > 0)) {
            throw new IllegalArgumentException("repetitionPenalty must be > 0, got " + repetitionPenalty);
        }
        this.repetitionPenalty = (float) repetitionPenalty;
        this.frequencyPenalty = (float) frequencyPenalty;
        this.generatedCounts = new int[vocabSize];
        this.seen = new boolean[vocabSize];
        this.seenTokens = new int[Math.min(vocabSize, 64)];
        if (repetitionPenalty != 1) {
            for (int token : promptIds) {
                markSeen(token);
            }
        }
    }

    public boolean active() {
        return repetitionPenalty != 1 || frequencyPenalty != 0;
    }

    public void apply(float[] logits) {
        for (int i = 0; i < seenCount; i++) {
            int token = seenTokens[i];
            float logit = logits[token];
            if (repetitionPenalty != 1) {
                logit = logit > 0 ? logit / repetitionPenalty : logit * repetitionPenalty;
            }
            logits[token] = logit - frequencyPenalty * generatedCounts[token];
        }
    }

    /** Records a generated token. */
    public void accept(int token) {
        generatedCounts[token]++;
        markSeen(token);
    }

    private void markSeen(int token) {
        if (token < 0 || token >= seen.length || seen[token]) {
            return;
        }
        seen[token] = true;
        if (seenCount == seenTokens.length) {
            seenTokens = Arrays.copyOf(seenTokens, Math.min(seen.length, seenTokens.length * 2));
        }
        seenTokens[seenCount++] = token;
    }
}
