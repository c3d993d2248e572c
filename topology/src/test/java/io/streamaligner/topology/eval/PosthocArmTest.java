package io.streamaligner.topology.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.model.GenerationDefaults;
import io.streamaligner.topology.AlignmentModels;
import io.streamaligner.topology.ScriptedAligner;
import io.streamaligner.topology.ScriptedUpstream;
import io.streamaligner.topology.TestPrompts;
import io.streamaligner.topology.processor.LoopRules;
import java.util.List;
import org.junit.jupiter.api.Test;

class PosthocArmTest {

    private static final String QUESTION = "What is 1 + 2 + 4?";
    private static final int MAX_CORRECTION_TOKENS = 32;

    private final ScriptedUpstream upstream = new ScriptedUpstream()
            .answer(QUESTION, "First, 1 + 2 = wrong.", "Then, wrong + 4 = 7.", "The answer is 7.");
    private final ScriptedAligner aligner = new ScriptedAligner();
    private final AlignmentModels models = new AlignmentModels(upstream, TestPrompts.UPSTREAM, aligner, TestPrompts.ALIGNER);
    private final QuestionSampling sampling = QuestionSampling.recommended(GenerationDefaults.HUGGINGFACE, 42);

    @Test
    void shouldCorrectTheWholeDraftSentenceBySentenceWithoutFeedbackToTheUpstream() {
        ArmAnswer answer = new PosthocArm(models, 256, 16, MAX_CORRECTION_TOKENS).answer("q1", QUESTION, sampling);

        // one upstream call for the whole draft: the corrections never reach the upstream
        assertThat(upstream.batches()).hasSize(1);
        assertThat(TestPrompts.parseUpstream(upstream.batches().get(0).get(0).prompt())[1]).isEmpty();
        // each correction sees the draft's own sentence and the prefix corrected so far
        assertThat(aligner.batches()).extracting(batch -> List.of(TestPrompts.parseAligner(batch.get(0).prompt())))
                .containsExactly(
                        List.of(QUESTION, "", "First, 1 + 2 = wrong."),
                        List.of(QUESTION, "First, 1 + 2 = right.", "Then, wrong + 4 = 7."),
                        List.of(QUESTION, "First, 1 + 2 = right. Then, right + 4 = 7.", "The answer is 7."));
        assertThat(answer.answer()).isEqualTo("First, 1 + 2 = right. Then, right + 4 = 7. The answer is 7.");
        assertThat(answer.revisions()).extracting(SentenceRevision::changed).containsExactly(true, true, false);
        assertThat(answer.rounds()).isEqualTo(3);
        assertThat(answer.finishReason()).isEqualTo("UPSTREAM_END");
        assertThat(answer.roundNanos()).hasSize(3);
        assertThat(answer.firstSentenceNanos()).isPresent();
        assertThat(answer.firstSentenceNanos().getAsLong()).isLessThanOrEqualTo(answer.totalNanos());
    }

    @Test
    void shouldStopWhenTheAlignerSignalsTheEndOfTheAnswer() {
        aligner.endAnswerOn("Then,");

        ArmAnswer answer = new PosthocArm(models, 256, 16, MAX_CORRECTION_TOKENS).answer("q1", QUESTION, sampling);

        assertThat(answer.answer()).isEqualTo("First, 1 + 2 = right. Then, right + 4 = 7.");
        assertThat(answer.finishReason()).isEqualTo("ALIGNER_END");
    }

    @Test
    void shouldCorrectNoMoreSentencesThanTheRoundLimit() {
        ArmAnswer answer = new PosthocArm(models, 256, 2, MAX_CORRECTION_TOKENS).answer("q1", QUESTION, sampling);

        assertThat(answer.rounds()).isEqualTo(2);
        assertThat(answer.finishReason()).isEqualTo("MAX_ROUNDS");
    }

    @Test
    void shouldSampleTheDraftAsTheLoopsFirstRoundAndCorrectGreedilyAsTheLoopDoes() {
        new PosthocArm(models, 100, 16, MAX_CORRECTION_TOKENS).answer("q1", QUESTION, sampling);

        CompletionRequest draft = upstream.batches().get(0).get(0);
        assertThat(draft.sampling()).isEqualTo(LoopRules.upstreamSampling(sampling.params(), 1));
        assertThat(draft.maxNewTokens()).isEqualTo(100);
        for (int round = 1; round <= 3; round++) {
            CompletionRequest correction = aligner.batches().get(round - 1).get(0);
            assertThat(correction.sampling()).isEqualTo(LoopRules.alignerSampling(sampling.params(), round));
            assertThat(correction.sampling().greedy()).isTrue();
            assertThat(correction.maxNewTokens()).isEqualTo(MAX_CORRECTION_TOKENS);
        }
    }
}
