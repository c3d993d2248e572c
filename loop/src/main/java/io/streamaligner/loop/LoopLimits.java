package io.streamaligner.loop;

/**
 * Caps the loop puts on a request and on one model call, whatever a request asks: they bound how long one call can
 * take and how large the records a request makes can grow (its question is copied into every feedback record).
 *
 * @param maxUpstreamStepTokens tokens one upstream step (one sentence) may generate at most
 * @param maxCorrectionTokens   tokens one aligner correction may generate at most
 * @param maxQuestionBytes      a question's size in UTF-8 bytes at most; a larger one is refused at admission
 */
public record LoopLimits(int maxUpstreamStepTokens, int maxCorrectionTokens, int maxQuestionBytes) {

    public static final int DEFAULT_MAX_QUESTION_BYTES = 32 * 1024;

    public static final LoopLimits DEFAULTS = new LoopLimits(128, 128, DEFAULT_MAX_QUESTION_BYTES);

    public LoopLimits {
        if (maxUpstreamStepTokens <= 0) {
            throw new IllegalArgumentException("maxUpstreamStepTokens must be positive, got " + maxUpstreamStepTokens);
        }
        if (maxCorrectionTokens <= 0) {
            throw new IllegalArgumentException("maxCorrectionTokens must be positive, got " + maxCorrectionTokens);
        }
        if (maxQuestionBytes <= 0) {
            throw new IllegalArgumentException("maxQuestionBytes must be positive, got " + maxQuestionBytes);
        }
    }

    /** The token caps, with the default question size limit. */
    public LoopLimits(int maxUpstreamStepTokens, int maxCorrectionTokens) {
        this(maxUpstreamStepTokens, maxCorrectionTokens, DEFAULT_MAX_QUESTION_BYTES);
    }
}
