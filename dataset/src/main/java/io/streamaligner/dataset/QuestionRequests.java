package io.streamaligner.dataset;

import io.streamaligner.client.AlignmentRequests;
import io.streamaligner.eval.EvalItem;
import io.streamaligner.eval.QuestionSampling;
import io.streamaligner.loop.AlignmentLoop;
import io.streamaligner.loop.LoopLimits;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.GenerationParams;

import java.util.Objects;
import java.util.Optional;

/**
 * How each question is asked of the loop: the upstream's sampling with a seed of the question's own (from the run's
 * seed and the question's line, so a question asked again by a later run is sampled alike), and the answer's limits.
 *
 * @param sampling  the upstream's sampling (its seed is replaced per question)
 * @param seed      the run's seed
 * @param maxRounds the request's {@code max_rounds}
 * @param maxTokens the request's {@code max_total_tokens}
 * @param limits    the loop's limits, which a request must keep to be run
 */
public record QuestionRequests(GenerationParams sampling, long seed, int maxRounds, int maxTokens, LoopLimits limits) {

    public QuestionRequests {
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(limits, "limits");
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

    /**
     * Why the loop would refuse {@code request} (a question larger than it takes, say), if it would: such a question
     * is rejected for good rather than failed, since every later run would meet the same refusal.
     */
    public Optional<String> refusal(AlignmentRequest request) {
        try {
            AlignmentLoop.validate(request, limits);
            return Optional.empty();
        } catch (IllegalArgumentException refused) {
            return Optional.of("the loop refuses it: " + refused.getMessage());
        }
    }
}
