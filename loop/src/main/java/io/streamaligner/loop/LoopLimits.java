package io.streamaligner.loop;

/**
 * Caps the loop puts on one model call, whatever a request asks: they bound how long one call can take.
 *
 * @param maxUpstreamStepTokens tokens one upstream step (one sentence) may generate at most
 * @param maxCorrectionTokens   tokens one aligner correction may generate at most
 */
public record LoopLimits(int maxUpstreamStepTokens, int maxCorrectionTokens) {

    public static final LoopLimits DEFAULTS = new LoopLimits(128, 128);

    public LoopLimits {
        if (maxUpstreamStepTokens <= 0) {
            throw new IllegalArgumentException("maxUpstreamStepTokens must be positive, got " + maxUpstreamStepTokens);
        }
        if (maxCorrectionTokens <= 0) {
            throw new IllegalArgumentException("maxCorrectionTokens must be positive, got " + maxCorrectionTokens);
        }
    }
}
