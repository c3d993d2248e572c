package io.streamaligner.eval;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.loop.AlignmentLoop;
import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.loop.LoopLimits;
import io.streamaligner.loop.Transition;
import io.streamaligner.loop.segment.SentenceSegmenter;
import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.SentenceAligned;
import io.streamaligner.schemas.SuffixSentence;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code posthoc} arm, the Aligner way: the upstream writes its whole answer first, then the aligner corrects
 * the answer's sentences one by one, each given the question and the already-corrected prefix, and nothing flows
 * back to the upstream. It drives the loop's own {@link AlignmentLoop} with the draft's sentences in place of the
 * upstream's steps, so the only difference from the stream arm is the missing feedback.
 *
 * <p>Its time to first aligned sentence runs from the start until the whole draft is written and its first
 * sentence corrected; a round is one correction.
 */
public final class PosthocArm implements EvalArm {

    private final AlignmentModels models;
    private final AlignmentLoop loop;
    private final UpstreamDraft draft;
    private final int maxRounds;
    private final int maxTokens;

    /**
     * @param limits    the loop's caps on one call, as in the topology (the correction's applies here)
     * @param maxTokens the draft's token budget, the same the stream loop has over all its rounds
     * @param maxRounds sentences corrected at most, as in the stream loop
     */
    public PosthocArm(AlignmentModels models, LoopLimits limits, int maxTokens, int maxRounds) {
        this.models = models;
        this.loop = new AlignmentLoop(models, limits);
        this.draft = new UpstreamDraft(models.upstream(), models.upstreamPrompt(), maxTokens);
        this.maxRounds = maxRounds;
        this.maxTokens = maxTokens;
    }

    @Override
    public ArmName name() {
        return ArmName.POSTHOC;
    }

    @Override
    public ArmAnswer answer(String requestId, String question, QuestionSampling sampling) {
        long start = System.nanoTime();
        UpstreamDraft.Draft written = draft.write(requestId, question, sampling);
        List<String> sentences = SentenceSegmenter.split(written.text());
        if (sentences.isEmpty()) {
            sentences = List.of(""); // the loop's own rule ends an answer whose step wrote nothing
        }
        AlignmentRequest request = AlignmentRequest.newBuilder().setRequestId(requestId).setQuestion(question)
                .setGeneration(sampling.params()).setMaxRounds(maxRounds).setMaxTotalTokens(maxTokens).build();
        AlignedPrefix prefix = loop.admit(requestId, request, System.currentTimeMillis()).next().orElseThrow(
                () -> new IllegalArgumentException("the loop refused the question: " + question));

        List<AlignmentResponse> events = new ArrayList<>();
        List<Long> roundNanos = new ArrayList<>();
        OptionalLong firstAligned = OptionalLong.empty();
        for (int i = 0; i < sentences.size(); i++) {
            long roundStart = System.nanoTime();
            SuffixSentence sentence = loop.stepSentence(sentences.get(i), loop.stepEnd(prefix,
                    draftSlice(requestId, sentences.get(i), written, i == sentences.size() - 1)));
            Transition<CompletionRequest> call = loop.alignerCall(sentence, System.currentTimeMillis());
            events.addAll(call.events());
            if (call.ended()) {
                break;
            }
            Transition<AlignedPrefix> after = correct(sentence, call.next().get());
            events.addAll(after.events());
            long now = System.nanoTime();
            roundNanos.add(now - roundStart);
            if (firstAligned.isEmpty()) {
                firstAligned = OptionalLong.of(now - start);
            }
            if (after.ended()) {
                break;
            }
            prefix = after.next().get();
        }
        return answer(events, prefix, firstAligned, roundNanos, System.nanoTime() - start);
    }

    private Transition<AlignedPrefix> correct(SuffixSentence sentence, CompletionRequest call) {
        try {
            return loop.corrected(sentence, models.aligner().generate(List.of(call)).get(0), System.currentTimeMillis());
        } catch (RuntimeException failure) {
            return loop.alignerFailed(sentence, failure, System.currentTimeMillis());
        }
    }

    /**
     * One sentence of the draft as if a step had written it: the draft is complete, so only its last sentence
     * carries how the draft ended (and its tokens, which the loop's token budget counts).
     */
    private static Completion draftSlice(String requestId, String sentence, UpstreamDraft.Draft written, boolean last) {
        return new Completion(requestId, sentence, last ? written.finishReason() : FinishReason.STOP, 0,
                last ? written.generatedTokens() : 0, 0);
    }

    /** The arm's answer from the loop's events; a draft cut short of the budget by the model's context ends as MAX_TOKENS. */
    private static ArmAnswer answer(List<AlignmentResponse> events, AlignedPrefix lastPrefix, OptionalLong firstAligned,
                                    List<Long> roundNanos, long totalNanos) {
        List<SentenceRevision> revisions = new ArrayList<>();
        Optional<String> error = Optional.empty();
        for (AlignmentResponse response : events) {
            if (response.getEvent() instanceof SentenceAligned aligned) {
                revisions.add(new SentenceRevision(aligned.getOriginal(), aligned.getCorrected()));
            } else if (response.getEvent() instanceof AlignmentError failure) {
                error = Optional.of(failure.getStage() + " round " + failure.getRound() + ": " + failure.getMessage());
            }
        }
        Optional<AnswerFinal> last = events.isEmpty() || !(events.get(events.size() - 1).getEvent() instanceof AnswerFinal f)
                ? Optional.empty() : Optional.of(f);
        String text = last.map(AnswerFinal::getAnswer).orElse(lastPrefix.getAlignedPrefix());
        String finish = last.map(f -> f.getFinishReason().name()).orElse("MAX_TOKENS");
        return new ArmAnswer(text, revisions, revisions.size(), firstAligned, roundNanos, totalNanos, finish, error);
    }
}
