package io.streamaligner.topology.eval;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.UpstreamFinish;
import io.streamaligner.topology.AlignmentModels;
import io.streamaligner.topology.processor.LoopRules;
import io.streamaligner.topology.segment.SentenceSegmenter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code posthoc} arm, the Aligner way: the upstream writes its whole answer first, then the aligner corrects
 * the answer's sentences one by one, each given the question and the already-corrected prefix, and nothing flows
 * back to the upstream. The sentences are cut, seeded, corrected, joined and stopped by the loop's own
 * {@link LoopRules}, so the only difference from the stream arm is the missing feedback.
 *
 * <p>Its time to first aligned sentence runs from the start until the whole draft is written and its first
 * sentence corrected; a round is one correction.
 */
public final class PosthocArm implements EvalArm {

    private final AlignmentModels models;
    private final UpstreamDraft draft;
    private final int maxRounds;
    private final int maxCorrectionTokens;

    /**
     * @param maxTokens           the draft's token budget, the same the stream loop has over all its rounds
     * @param maxRounds           sentences corrected at most, as in the stream loop
     * @param maxCorrectionTokens cap on one correction, as in the topology
     */
    public PosthocArm(AlignmentModels models, int maxTokens, int maxRounds, int maxCorrectionTokens) {
        this.models = models;
        this.draft = new UpstreamDraft(models.upstream(), models.upstreamPrompt(), maxTokens);
        this.maxRounds = maxRounds;
        this.maxCorrectionTokens = maxCorrectionTokens;
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
        UpstreamFinish draftFinish = LoopRules.upstreamFinish(written.finishReason());

        String prefix = "";
        List<SentenceRevision> revisions = new ArrayList<>();
        List<Long> roundNanos = new ArrayList<>();
        OptionalLong firstAligned = OptionalLong.empty();
        AnswerFinishReason finish = draftFinish == UpstreamFinish.END ? AnswerFinishReason.UPSTREAM_END : AnswerFinishReason.MAX_TOKENS;
        for (int round = 1; round <= sentences.size(); round++) {
            String original = sentences.get(round - 1);
            long roundStart = System.nanoTime();
            CompletionRequest request = LoopRules.correctionRequest(requestId + "-r" + round, question, sampling.params(),
                    prefix, original, round, models.alignerPrompt(), maxCorrectionTokens);
            Completion correction = models.aligner().generate(List.of(request)).get(0);
            String corrected = LoopRules.correction(correction.text(), original);
            prefix = LoopRules.appendCorrection(prefix, corrected);
            revisions.add(new SentenceRevision(original, corrected));
            long now = System.nanoTime();
            roundNanos.add(now - roundStart);
            if (firstAligned.isEmpty()) {
                firstAligned = OptionalLong.of(now - start);
            }
            // the draft is complete, so only its last sentence ends the upstream's answer
            UpstreamFinish upstreamFinish = round == sentences.size() ? draftFinish : UpstreamFinish.SENTENCE;
            Optional<AnswerFinishReason> end = LoopRules.endAfterRound(upstreamFinish, correction.finishReason(), round,
                    maxRounds, 0, Integer.MAX_VALUE);
            if (end.isPresent()) {
                finish = end.get();
                break;
            }
        }
        return new ArmAnswer(prefix, revisions, revisions.size(), firstAligned, roundNanos, System.nanoTime() - start,
                finish.name(), Optional.empty());
    }
}
