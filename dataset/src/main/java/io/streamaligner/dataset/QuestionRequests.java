package io.streamaligner.dataset;

import io.streamaligner.client.AlignmentRequests;
import io.streamaligner.eval.EvalItem;
import io.streamaligner.eval.QuestionSampling;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.GenerationParams;

import java.util.Objects;

/**
 * How each question is asked of the loop: the upstream's sampling with a seed of the question's own (from the run's
 * seed and the question's line, so a question asked again by a later run is sampled alike), and the answer's limits.
 *
 * @param sampling  the upstream's sampling (its seed is replaced per question)
 * @param seed      the run's seed
 * @param maxRounds the request's {@code max_rounds}
 * @param maxTokens the request's {@code max_total_tokens}
 */
public record QuestionRequests(GenerationParams sampling, long seed, int maxRounds, int maxTokens) {

    public QuestionRequests {
        Objects.requireNonNull(sampling, "sampling");
        if (maxRounds < 1 || maxTokens < 1) {
            throw new IllegalArgumentException("maxRounds and maxTokens must be at least 1, got " + maxRounds + " and "
                    + maxTokens);
        }
    }

    public AlignmentRequest request(String requestId, EvalItem item) {
        return AlignmentRequests.builder(requestId, item.question())
                .setGeneration(GenerationParams.newBuilder(sampling)
                        .setSeed(QuestionSampling.questionSeed(seed, item.lineNumber())).build())
                .setMaxRounds(maxRounds)
                .setMaxTotalTokens(maxTokens)
                .build();
    }
}
