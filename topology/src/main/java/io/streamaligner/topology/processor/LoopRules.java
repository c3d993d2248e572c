package io.streamaligner.topology.processor;

import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.SamplingParams;
import io.streamaligner.inference.StopCondition;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.GenerationParams;
import io.streamaligner.schemas.UpstreamFinish;
import io.streamaligner.topology.AlignerPrompt;
import io.streamaligner.topology.UpstreamPrompt;
import io.streamaligner.topology.segment.SentenceSegmenter;

import java.util.Optional;

/**
 * The rules of the alignment loop, in one place so that the processors and the Kafka-free loop over the same
 * models ({@link io.streamaligner.topology.inprocess.InProcessAlignmentLoop}) make identical decisions: which
 * requests are admitted, where an upstream step stops, which sentence a step yields, how a correction joins the
 * answer, when the loop ends, and how each step's sampling is seeded.
 */
public final class LoopRules {

    /** The upstream stops at the first sentence boundary the segmenter can decide. */
    public static final StopCondition SENTENCE_STOP = text -> {
        int end = SentenceSegmenter.firstSentenceEnd(text, false);
        return end < 0 ? StopCondition.NO_STOP : end;
    };

    private static final long ALIGNER_SEED_SALT = 0x5EED_A11C_0DE5_0001L;

    private LoopRules() {
    }

    /**
     * Whether a request may enter the loop: its id matches its key, the question is not blank, its limits are
     * positive and its sampling parameters are valid.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static void validateRequest(String key, AlignmentRequest request) {
        if (!key.equals(request.getRequestId())) {
            throw new IllegalArgumentException("request_id '" + request.getRequestId() + "' differs from the key '" + key + "'");
        }
        if (request.getQuestion().isBlank()) {
            throw new IllegalArgumentException("question is blank");
        }
        if (request.getMaxRounds() <= 0) {
            throw new IllegalArgumentException("max_rounds must be positive, got " + request.getMaxRounds());
        }
        if (request.getMaxTotalTokens() <= 0) {
            throw new IllegalArgumentException("max_total_tokens must be positive, got " + request.getMaxTotalTokens());
        }
        GenerationParams generation = request.getGeneration();
        if (generation.getMaxNewTokensPerStep() <= 0) {
            throw new IllegalArgumentException("max_new_tokens_per_step must be positive, got "
                    + generation.getMaxNewTokensPerStep());
        }
        upstreamSampling(generation, 1); // throws on invalid sampling parameters
    }

    /** One step's sentence and whether the upstream's answer ends with it. */
    public record StepSentence(String sentence, UpstreamFinish finish) {
    }

    /**
     * The sentence a step yields: the first sentence of its text, stripped (empty when the text is blank). When
     * more text follows it (a generator that ran past the boundary) the loop continues from the corrected sentence
     * instead of ending, so nothing the upstream meant to say is lost.
     */
    public static StepSentence stepSentence(String stepText, UpstreamFinish finish) {
        int end = SentenceSegmenter.firstSentenceEnd(stepText, true);
        if (end < 0) {
            return new StepSentence("", finish);
        }
        boolean moreFollows = !stepText.substring(end).isBlank();
        return new StepSentence(stepText.substring(0, end).strip(), moreFollows ? UpstreamFinish.SENTENCE : finish);
    }

    /** How an upstream completion ended, as the loop sees it. */
    public static UpstreamFinish upstreamFinish(FinishReason reason) {
        return switch (reason) {
            case EOS, END_OF_ANSWER -> UpstreamFinish.END;
            case STOP -> UpstreamFinish.SENTENCE;
            case LENGTH -> UpstreamFinish.LENGTH;
        };
    }

    /** The aligner's output for a sentence: the stripped correction, or the sentence itself when the output is blank. */
    public static String correction(String alignerText, String original) {
        String corrected = alignerText.strip();
        return corrected.isEmpty() ? original : corrected;
    }

    /** The answer after a round: the correction appended to the aligned prefix with one space. */
    public static String appendCorrection(String alignedPrefix, String correction) {
        return alignedPrefix.isEmpty() ? correction : alignedPrefix + " " + correction;
    }

    /**
     * Whether the loop ends after a round, checked in this order: the upstream ended its answer, the aligner
     * signalled the end, the round limit, the token budget.
     *
     * @param round           the round just aligned (from 1)
     * @param upstreamTokens  upstream tokens generated over all rounds so far
     */
    public static Optional<AnswerFinishReason> endAfterRound(UpstreamFinish upstreamFinish, FinishReason alignerFinish,
                                                            int round, int maxRounds, int upstreamTokens,
                                                            int maxTotalTokens) {
        if (upstreamFinish == UpstreamFinish.END) {
            return Optional.of(AnswerFinishReason.UPSTREAM_END);
        }
        if (alignerFinish == FinishReason.END_OF_ANSWER) {
            return Optional.of(AnswerFinishReason.ALIGNER_END);
        }
        if (round >= maxRounds) {
            return Optional.of(AnswerFinishReason.MAX_ROUNDS);
        }
        if (upstreamTokens >= maxTotalTokens) {
            return Optional.of(AnswerFinishReason.MAX_TOKENS);
        }
        return Optional.empty();
    }

    /**
     * The upstream's request for the step of {@code round}: the question with the aligned prefix as the open answer,
     * stopping at the first sentence boundary, within the step's token budget.
     *
     * @param upstreamTokens upstream tokens generated over the earlier rounds
     * @param maxStepTokens  the topology's cap on one step
     * @throws IllegalStateException    when the request's token budget is spent
     * @throws IllegalArgumentException for invalid sampling parameters
     */
    public static CompletionRequest upstreamStepRequest(String requestId, AlignmentRequest request, String alignedPrefix,
                                                        int upstreamTokens, int round, UpstreamPrompt prompt,
                                                        int maxStepTokens) {
        int maxNewTokens = upstreamStepTokens(request.getGeneration().getMaxNewTokensPerStep(), request.getMaxTotalTokens(),
                upstreamTokens, maxStepTokens);
        if (maxNewTokens <= 0) {
            throw new IllegalStateException("no token budget left for round " + round + " ("
                    + upstreamTokens + " of " + request.getMaxTotalTokens() + " used)");
        }
        String system = request.getSystemPrompt() == null ? "" : request.getSystemPrompt();
        return new CompletionRequest(requestId, prompt.render(system, request.getQuestion(), alignedPrefix),
                upstreamSampling(request.getGeneration(), round), maxNewTokens, SENTENCE_STOP);
    }

    /** The aligner's request to correct the upstream's sentence of {@code round}, given the aligned prefix before it. */
    public static CompletionRequest correctionRequest(String requestId, String question, GenerationParams generation,
                                                      String alignedPrefix, String sentence, int round, AlignerPrompt prompt,
                                                      int maxCorrectionTokens) {
        return new CompletionRequest(requestId, prompt.render(question, alignedPrefix, sentence),
                alignerSampling(generation, round), maxCorrectionTokens, StopCondition.NEVER);
    }

    /** Tokens the upstream may generate in a step: the request's per-step limit, its remaining budget, the cap. */
    public static int upstreamStepTokens(int perStepLimit, int maxTotalTokens, int upstreamTokensSoFar, int cap) {
        return Math.min(Math.min(perStepLimit, maxTotalTokens - upstreamTokensSoFar), cap);
    }

    /** The upstream's sampling for a round; throws IllegalArgumentException for invalid parameters. */
    public static SamplingParams upstreamSampling(GenerationParams params, int round) {
        return new SamplingParams(params.getTemperature(), params.getTopK(), params.getTopP(),
                params.getFrequencyPenalty(), params.getRepetitionPenalty(), stepSeed(params.getSeed(), round));
    }

    /** The aligner's sampling for a round: greedy, seeded apart from the upstream in case a backend samples anyway. */
    public static SamplingParams alignerSampling(GenerationParams params, int round) {
        return SamplingParams.GREEDY.withSeed(stepSeed(params.getSeed() ^ ALIGNER_SEED_SALT, round));
    }

    /**
     * A step's seed from the request's seed and the round (SplitMix64's finaliser over their combination): rounds
     * get unrelated random streams, and re-running a step after a restart draws the same one.
     */
    public static long stepSeed(long requestSeed, int round) {
        long z = requestSeed + 0x9E3779B97F4A7C15L * (round + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
