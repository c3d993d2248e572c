package io.streamaligner.loop;

import io.streamaligner.inference.ChatTurns;
import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.PromptTooLongException;
import io.streamaligner.inference.StopCondition;
import io.streamaligner.inference.template.AlignerInput;
import io.streamaligner.loop.segment.SentenceSegmenter;
import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.AlignmentStage;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.GenerationParams;
import io.streamaligner.schemas.StepEnd;
import io.streamaligner.schemas.SuffixSentence;
import io.streamaligner.schemas.UpstreamFinish;
import io.streamaligner.schemas.serde.RecordClassTrust;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Stream Aligner loop of one request as a state machine, with no Kafka in it. Every driver — the Kafka
 * processors, the in-process loop, the evaluation's post-hoc arm — asks it what to do and forwards what it answers,
 * so they cannot disagree on a rule. Its states are the records the topics carry:
 * <pre>
 * AlignmentRequest ──admit──► AlignedPrefix (round 0)
 * AlignedPrefix ──upstreamCall──► the upstream writes one sentence ──stepEnd, stepSentence──► SuffixSentence
 * SuffixSentence ──alignerCall──► the aligner corrects it (or the answer ends: the step wrote nothing)
 * SuffixSentence + correction ──corrected──► SentenceAligned event, then AlignedPrefix (round + 1) or the final event
 * </pre>
 * A failed model call ends its request with an {@code AlignmentError} and an {@code ERROR} final
 * ({@link #upstreamFailed}, {@link #alignerFailed}), except a prompt that outgrew a model's context once the answer has
 * begun: that answer has reached the model's limit and ends with its {@code MAX_TOKENS} final. Stop rules, checked
 * after each round in this order: the upstream ended its answer, the aligner signalled the end, max rounds, max total
 * tokens.
 *
 * <p>Stateless and thread-safe: the state is in the records, which the drivers keep (in stores, or in memory).
 */
public final class AlignmentLoop {

    static {
        // copying a record with a builder (AlignedPrefix.newBuilder(before)) makes Avro load the generated classes
        RecordClassTrust.install();
    }

    /**
     * The upstream stops at the first sentence boundary the segmenter can decide. It may write a few characters past
     * a candidate boundary before the segmenter decides it (its look-ahead, at most
     * {@value SentenceSegmenter#MAX_LOOK_AHEAD} characters); the cut drops them from this step, and the next step
     * continues from the corrected prefix.
     */
    static final StopCondition SENTENCE_STOP = new StopCondition() {
        @Override
        public int stopAt(String text) {
            int end = SentenceSegmenter.firstSentenceEnd(text, false);
            return end < 0 ? StopCondition.NO_STOP : end;
        }

        /** What follows a candidate boundary waiting for its look-ahead may be cut away. */
        @Override
        public int holdBack(CharSequence text) {
            return text.length() - SentenceSegmenter.undecidedFrom(text);
        }
    };

    private final UpstreamPrompt upstreamPrompt;
    private final AlignerPrompt alignerPrompt;
    private final LoopLimits limits;

    public AlignmentLoop(UpstreamPrompt upstreamPrompt, AlignerPrompt alignerPrompt, LoopLimits limits) {
        this.upstreamPrompt = Objects.requireNonNull(upstreamPrompt, "upstreamPrompt");
        this.alignerPrompt = Objects.requireNonNull(alignerPrompt, "alignerPrompt");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** The loop over the models' prompt renderers. */
    public AlignmentLoop(AlignmentModels models, LoopLimits limits) {
        this(models.upstreamPrompt(), models.alignerPrompt(), limits);
    }

    public LoopLimits limits() {
        return limits;
    }

    /**
     * A new request enters the loop as round 0 (an empty aligned prefix), unless it is invalid: its id differs from
     * its key, its question is blank or larger than {@link LoopLimits#maxQuestionBytes()}, a limit is not positive or
     * its sampling parameters are invalid; then it ends at once with an error event and an {@code ERROR} final with no
     * rounds.
     *
     * @param key the id the request arrived under (the record key)
     */
    public Transition<AlignedPrefix> admit(String key, AlignmentRequest request, long nowMs) {
        AlignedPrefix roundZero = roundZero(request, nowMs);
        try {
            validate(key, request);
        } catch (IllegalArgumentException invalid) {
            // answered under the key it came with: that is the id its producer waits on
            return failed(key, AlignmentStage.REQUEST, roundZero, 0, invalid, nowMs);
        }
        return Transition.goOn(roundZero, List.of());
    }

    /**
     * A request that cannot enter the loop for a reason found outside its own fields (its id is taken, admitting it
     * failed): it ends at once with an error event and an {@code ERROR} final with no rounds, under {@code key}.
     */
    public <S> Transition<S> refuse(String key, AlignmentRequest request, Throwable reason, long nowMs) {
        return failed(key, AlignmentStage.REQUEST, roundZero(request, nowMs), 0, reason, nowMs);
    }

    private static AlignedPrefix roundZero(AlignmentRequest request, long nowMs) {
        return AlignedPrefix.newBuilder()
                .setRequest(request)
                .setAlignedPrefix("")
                .setRound(0)
                .setStartedAtMs(nowMs)
                .build();
    }

    /** The round the upstream's next step after {@code prefix} writes. */
    public static int stepRound(AlignedPrefix prefix) {
        return prefix.getRound() + 1;
    }

    /**
     * How a corrected sentence joins the answer aligned so far: after one space (the first sentence alone). Readers of
     * the loop's events rebuild each round's prefix with it.
     */
    public static String extend(String alignedPrefix, String correctedSentence) {
        return alignedPrefix.isEmpty() ? correctedSentence : alignedPrefix + " " + correctedSentence;
    }

    /**
     * The upstream's call for the step after {@code prefix}: the question with the prefix as the open answer,
     * stopping at the first sentence boundary, within the smallest of the request's per-step limit, its remaining
     * budget and {@link LoopLimits#maxUpstreamStepTokens()}, seeded for the round.
     *
     * @throws IllegalStateException when the request's token budget is spent (the stop rules end it before that)
     */
    public CompletionRequest upstreamCall(AlignedPrefix prefix) {
        AlignmentRequest request = prefix.getRequest();
        int round = stepRound(prefix);
        int maxNewTokens = Math.min(Math.min(request.getGeneration().getMaxNewTokensPerStep(),
                request.getMaxTotalTokens() - prefix.getUpstreamTokens()), limits.maxUpstreamStepTokens());
        if (maxNewTokens <= 0) {
            throw new IllegalStateException("no token budget left for round " + round + " ("
                    + prefix.getUpstreamTokens() + " of " + request.getMaxTotalTokens() + " used)");
        }
        String system = request.getSystemPrompt() == null ? "" : request.getSystemPrompt();
        return new CompletionRequest(request.getRequestId(),
                upstreamPrompt.render(system, request.getQuestion(), prefix.getAlignedPrefix()),
                StepSampling.upstream(request.getGeneration(), round), maxNewTokens, SENTENCE_STOP)
                .withChat(new ChatTurns(system, request.getQuestion(), prefix.getAlignedPrefix()));
    }

    /** How the upstream's step after {@code prefix} ended: why, its tokens and time, and the prefix it continued. */
    public StepEnd stepEnd(AlignedPrefix prefix, Completion step) {
        return StepEnd.newBuilder()
                .setFinish(upstreamFinish(step.finishReason()))
                .setGeneratedTokens(step.generatedTokens())
                .setUpstreamMs(step.nanos() / 1_000_000)
                .setContext(prefix)
                .build();
    }

    /**
     * The sentence a step yields: the first sentence of the step's text, stripped (empty when the text is blank).
     * When more text follows it (a generator that ran past the boundary) the loop continues from the corrected
     * sentence instead of ending, so nothing the upstream meant to say is lost.
     */
    public SuffixSentence stepSentence(String stepText, StepEnd end) {
        AlignedPrefix prefix = end.getContext();
        int cut = SentenceSegmenter.firstSentenceEnd(stepText, true);
        String sentence = cut < 0 ? "" : stepText.substring(0, cut).strip();
        boolean moreFollows = cut >= 0 && !stepText.substring(cut).isBlank();
        return SuffixSentence.newBuilder()
                .setRequestId(prefix.getRequest().getRequestId())
                .setRound(stepRound(prefix))
                .setSentence(sentence)
                .setUpstreamFinish(moreFollows ? UpstreamFinish.SENTENCE : end.getFinish())
                .setUpstreamTokens(end.getGeneratedTokens())
                .setUpstreamMs(end.getUpstreamMs())
                .setContext(prefix)
                .build();
    }

    /**
     * The aligner's call to correct the sentence given the prefix before it; or, when the step wrote no sentence,
     * the end of the request: the answer is what is aligned so far ({@code UPSTREAM_END}).
     */
    public Transition<CompletionRequest> alignerCall(SuffixSentence sentence, long nowMs) {
        AlignedPrefix before = sentence.getContext();
        if (sentence.getSentence().isEmpty()) {
            AlignedPrefix answer = AlignedPrefix.newBuilder(before)
                    .setUpstreamTokens(before.getUpstreamTokens() + sentence.getUpstreamTokens())
                    .setUpstreamMs(before.getUpstreamMs() + sentence.getUpstreamMs())
                    .build();
            return Transition.end(List.of(ResponseEvents.answerFinal(sentence.getRequestId(), answer,
                    AnswerFinishReason.UPSTREAM_END, nowMs)));
        }
        AlignmentRequest request = before.getRequest();
        return Transition.goOn(new CompletionRequest(request.getRequestId(),
                alignerPrompt.render(request.getQuestion(), before.getAlignedPrefix(), sentence.getSentence()),
                StepSampling.aligner(request.getGeneration(), sentence.getRound()), limits.maxCorrectionTokens(),
                StopCondition.NEVER)
                .withChat(new AlignerInput(request.getQuestion(), before.getAlignedPrefix(), sentence.getSentence()).turns()),
                List.of());
    }

    /**
     * The round's end: the correction (the sentence itself when the aligner wrote nothing) joins the prefix with one
     * space; emits the round's {@code SentenceAligned}, then either goes on with the new prefix or, when a stop rule
     * holds, ends with the final event.
     */
    public Transition<AlignedPrefix> corrected(SuffixSentence sentence, Completion correction, long nowMs) {
        AlignedPrefix before = sentence.getContext();
        AlignmentRequest request = before.getRequest();
        String original = sentence.getSentence();
        String stripped = correction.text().strip();
        String corrected = stripped.isEmpty() ? original : stripped;
        long alignerMs = correction.nanos() / 1_000_000;
        AlignedPrefix after = AlignedPrefix.newBuilder(before)
                .setAlignedPrefix(extend(before.getAlignedPrefix(), corrected))
                .setRound(sentence.getRound())
                .setUpstreamTokens(before.getUpstreamTokens() + sentence.getUpstreamTokens())
                .setAlignerTokens(before.getAlignerTokens() + correction.generatedTokens())
                .setUpstreamMs(before.getUpstreamMs() + sentence.getUpstreamMs())
                .setAlignerMs(before.getAlignerMs() + alignerMs)
                .build();
        AlignmentResponse aligned = ResponseEvents.sentenceAligned(request.getRequestId(), sentence.getRound(), original,
                corrected, sentence.getUpstreamMs(), alignerMs);
        Optional<AnswerFinishReason> end = endAfterRound(sentence.getUpstreamFinish(), correction.finishReason(),
                after.getRound(), request.getMaxRounds(), after.getUpstreamTokens(), request.getMaxTotalTokens());
        return end.<Transition<AlignedPrefix>>map(reason -> Transition.end(List.of(aligned,
                        ResponseEvents.answerFinal(request.getRequestId(), after, reason, nowMs))))
                .orElseGet(() -> Transition.goOn(after, List.of(aligned)));
    }

    /**
     * The prefix the loop goes on with if the aligner gives {@code sentence} back unchanged and does not end the
     * answer: where a driver may start the next upstream step while the sentence is being corrected (speculation).
     * Empty when the round ends the request whatever the aligner writes (the upstream ended its answer, the step wrote
     * nothing, the round or token limit). Its aligner totals are those before the correction, which the upstream's
     * call does not read; see {@link #sameUpstreamCall}.
     */
    public Optional<AlignedPrefix> speculativeNext(SuffixSentence sentence) {
        if (sentence.getSentence().isEmpty()) {
            return Optional.empty();
        }
        Completion unchanged = new Completion(sentence.getRequestId(), sentence.getSentence(), FinishReason.EOS, 0, 0, 0);
        return corrected(sentence, unchanged, 0).next();
    }

    /**
     * Whether the upstream's call after {@code actual} is exactly the one after {@code speculated} (same prompt, turns,
     * sampling, seed and token limit), so a step run ahead from {@code speculated} is the step the loop takes: decided
     * from what {@link #upstreamCall} reads (the request, the round, the answer so far, the upstream tokens spent),
     * without rendering either prompt.
     */
    public boolean sameUpstreamCall(AlignedPrefix speculated, AlignedPrefix actual) {
        return speculated.getRound() == actual.getRound()
                && speculated.getUpstreamTokens() == actual.getUpstreamTokens()
                && speculated.getAlignedPrefix().equals(actual.getAlignedPrefix())
                && speculated.getRequest().equals(actual.getRequest());
    }

    /**
     * The upstream's step after {@code prefix} failed: the request ends in error with the answer aligned so far, or,
     * when the prompt no longer fits the upstream's context and the answer has begun, with its {@code MAX_TOKENS} final.
     */
    public <S> Transition<S> upstreamFailed(AlignedPrefix prefix, Throwable error, long nowMs) {
        String requestId = prefix.getRequest().getRequestId();
        if (outgrewContext(prefix, error)) {
            return Transition.end(List.of(ResponseEvents.answerFinal(requestId, prefix, AnswerFinishReason.MAX_TOKENS, nowMs)));
        }
        return failed(requestId, AlignmentStage.UPSTREAM, prefix, stepRound(prefix), error, nowMs);
    }

    /**
     * The correction of {@code sentence} failed: the request ends in error with the answer aligned before it, or, when
     * the aligner's prompt no longer fits its context and the answer has begun, with that answer's {@code MAX_TOKENS}
     * final (the sentence that could not be corrected is left out).
     */
    public <S> Transition<S> alignerFailed(SuffixSentence sentence, Throwable error, long nowMs) {
        AlignedPrefix before = sentence.getContext();
        if (outgrewContext(before, error)) {
            AlignedPrefix answer = AlignedPrefix.newBuilder(before)
                    .setUpstreamTokens(before.getUpstreamTokens() + sentence.getUpstreamTokens())
                    .setUpstreamMs(before.getUpstreamMs() + sentence.getUpstreamMs())
                    .build();
            return Transition.end(List.of(ResponseEvents.answerFinal(sentence.getRequestId(), answer,
                    AnswerFinishReason.MAX_TOKENS, nowMs)));
        }
        return failed(sentence.getRequestId(), AlignmentStage.ALIGNER, before, sentence.getRound(), error, nowMs);
    }

    /**
     * Whether a call failed because its prompt outgrew the model's context while the answer was under way: the answer
     * has reached the model's limit. With nothing aligned yet, it is the question that is too long: an error.
     */
    private static boolean outgrewContext(AlignedPrefix prefix, Throwable error) {
        if (prefix.getAlignedPrefix().isEmpty()) {
            return false;
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof PromptTooLongException) {
                return true;
            }
        }
        return false;
    }

    private static <S> Transition<S> failed(String requestId, AlignmentStage stage, AlignedPrefix answer, int round,
                                            Throwable error, long nowMs) {
        return Transition.end(List.of(ResponseEvents.error(requestId, stage, round, error),
                ResponseEvents.answerFinal(requestId, answer, AnswerFinishReason.ERROR, nowMs)));
    }

    private void validate(String key, AlignmentRequest request) {
        if (!key.equals(request.getRequestId())) {
            throw new IllegalArgumentException("request_id '" + request.getRequestId() + "' differs from the key '" + key + "'");
        }
        validate(request, limits);
    }

    /**
     * Checks what {@link #admit} checks of a request's own fields, for a producer that wants to refuse a request before
     * it is sent (the gateway answers 400) rather than see it end with an error event.
     *
     * @throws IllegalArgumentException saying what is wrong: a blank question, a question or a system prompt larger
     *                                  than {@link LoopLimits#maxQuestionBytes()}, a limit that is not positive, or invalid
     *                                  sampling parameters
     */
    public static void validate(AlignmentRequest request, LoopLimits limits) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(limits, "limits");
        if (request.getQuestion().isBlank()) {
            throw new IllegalArgumentException("question is blank");
        }
        int questionBytes = request.getQuestion().getBytes(StandardCharsets.UTF_8).length;
        if (questionBytes > limits.maxQuestionBytes()) {
            throw new IllegalArgumentException("question is " + questionBytes + " bytes (UTF-8), more than the "
                    + limits.maxQuestionBytes() + " allowed");
        }
        // the system prompt travels in every feedback record too, so it is held to the same size
        int systemBytes = request.getSystemPrompt() == null ? 0
                : request.getSystemPrompt().getBytes(StandardCharsets.UTF_8).length;
        if (systemBytes > limits.maxQuestionBytes()) {
            throw new IllegalArgumentException("system prompt is " + systemBytes + " bytes (UTF-8), more than the "
                    + limits.maxQuestionBytes() + " allowed");
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
        StepSampling.upstream(generation, 1); // throws on invalid sampling parameters
    }

    private static UpstreamFinish upstreamFinish(FinishReason reason) {
        return switch (reason) {
            case EOS, END_OF_ANSWER -> UpstreamFinish.END;
            case STOP -> UpstreamFinish.SENTENCE;
            case LENGTH -> UpstreamFinish.LENGTH;
        };
    }

    private static Optional<AnswerFinishReason> endAfterRound(UpstreamFinish upstreamFinish, FinishReason alignerFinish,
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
}
