package io.streamaligner.loop;

import io.streamaligner.inference.SamplingParams;
import io.streamaligner.inference.model.GenerationDefaults;
import io.streamaligner.schemas.GenerationParams;

import java.util.Objects;

/**
 * How each model call of the loop samples: the upstream as the request's {@link GenerationParams} say, the aligner
 * greedily, each step with its own seed derived from the request's seed and the round, so that rounds draw unrelated
 * random streams and a step re-run after a crash draws the same one.
 */
public final class StepSampling {

    private static final long ALIGNER_SEED_SALT = 0x5EED_A11C_0DE5_0001L;

    private StepSampling() {
    }

    /** The upstream's sampling for a round; throws IllegalArgumentException for invalid parameters. */
    public static SamplingParams upstream(GenerationParams params, int round) {
        return new SamplingParams(params.getTemperature(), params.getTopK(), params.getTopP(),
                params.getFrequencyPenalty(), params.getRepetitionPenalty(), stepSeed(params.getSeed(), round));
    }

    /** The aligner's sampling for a round: greedy, seeded apart from the upstream in case a backend samples anyway. */
    public static SamplingParams aligner(GenerationParams params, int round) {
        return SamplingParams.GREEDY.withSeed(stepSeed(params.getSeed() ^ ALIGNER_SEED_SALT, round));
    }

    /** A step's seed: SplitMix64's finaliser over the request's seed and the round. */
    public static long stepSeed(long requestSeed, int round) {
        long z = requestSeed + 0x9E3779B97F4A7C15L * (round + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Sampling parameters as a request's generation parameters (the per-step token limit stays at its default). */
    public static GenerationParams generationParams(SamplingParams sampling) {
        Objects.requireNonNull(sampling, "sampling");
        return GenerationParams.newBuilder()
                .setTemperature(sampling.temperature())
                .setTopK(sampling.topK())
                .setTopP(sampling.topP())
                .setFrequencyPenalty(sampling.frequencyPenalty())
                .setRepetitionPenalty(sampling.repetitionPenalty())
                .setSeed(sampling.seed())
                .build();
    }

    /** The sampling a model's authors recommend ({@code generation_config.json}), seeded; greedy if they say so. */
    public static GenerationParams recommended(GenerationDefaults defaults, long seed) {
        return generationParams(Objects.requireNonNull(defaults, "defaults").sampling(seed));
    }
}
