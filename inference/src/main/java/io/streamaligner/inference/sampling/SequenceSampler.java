package io.streamaligner.inference.sampling;

import io.streamaligner.inference.SamplingParams;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * One request's way of choosing tokens: its penalties, then argmax or its seeded categorical sampler.
 *
 * <p>The random stream is this request's own, seeded from {@link SamplingParams#seed()}, so the same request
 * yields the same tokens whatever else shares its batch (and after a crash and re-run).
 */
public final class SequenceSampler {

    private final LogitPenalties penalties;
    private final Sampler sampler;

    private SequenceSampler(LogitPenalties penalties, Sampler sampler) {
        this.penalties = penalties;
        this.sampler = sampler;
    }

    public static SequenceSampler create(SamplingParams params, int vocabSize, int[] promptIds) {
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(promptIds, "promptIds");
        LogitPenalties penalties = new LogitPenalties(params.repetitionPenalty(), params.frequencyPenalty(),
                vocabSize, promptIds);
        Sampler sampler = params.greedy() ? Sampler.ARGMAX
                : new CategoricalSampler(params.temperature(), params.topK(), params.topP(), vocabSize,
                new SplittableRandom(params.seed()));
        return new SequenceSampler(penalties.active() ? penalties : null, sampler);
    }

    /**
     * @param logits this sequence's row of logits; overwritten
     * @return the next token, already recorded for the penalties
     */
    public int next(float[] logits) {
        if (penalties != null) {
            penalties.apply(logits);
        }
        int token = sampler.sample(logits);
        if (penalties != null) {
            penalties.accept(token);
        }
        return token;
    }
}
