package io.streamaligner.eval;

import io.streamaligner.inference.SamplingParams;
import io.streamaligner.inference.model.GenerationDefaults;
import io.streamaligner.loop.StepSampling;
import io.streamaligner.schemas.GenerationParams;
import java.util.Objects;

/**
 * How the upstream samples for one question, identical in every arm: the upstream model's recommended sampling
 * (its {@code generation_config.json}) with a seed of the question's own. The stream arm sends these parameters
 * with its request; the in-process arms derive their sampling from them by the loop's own rules, so the first
 * sentence is drawn from the same random stream in all three arms. The aligner decodes greedily everywhere.
 *
 * @param params the generation parameters as an {@code AlignmentRequest} carries them
 */
public record QuestionSampling(GenerationParams params) {

    public QuestionSampling {
        Objects.requireNonNull(params, "params");
    }

    /** The model's recommended sampling, seeded with {@code seed}. */
    public static QuestionSampling recommended(GenerationDefaults defaults, long seed) {
        return new QuestionSampling(StepSampling.recommended(defaults, seed));
    }

    /**
     * A question's seed from the run's seed and the question's line in the dataset: a question keeps its seed
     * whatever {@code --limit} cuts, and questions get unrelated random streams.
     */
    public static long questionSeed(long runSeed, int lineNumber) {
        return StepSampling.stepSeed(runSeed, lineNumber);
    }

    /** The upstream's sampling for a whole answer written at once: that of the loop's first round. */
    public SamplingParams wholeAnswer() {
        return StepSampling.upstream(params, 1);
    }
}
