package io.streamaligner.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.model.GenerationDefaults;
import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.loop.LoopLimits;
import io.streamaligner.loop.StepSampling;
import io.streamaligner.loop.testing.ScriptedAligner;
import io.streamaligner.loop.testing.ScriptedUpstream;
import io.streamaligner.loop.testing.TestPrompts;
import java.util.List;
import org.junit.jupiter.api.Test;

class PosthocArmTest {

    private static final String QUESTION = "What is 1 + 2 + 4?";
    private static final int MAX_CORRECTION_TOKENS = 32;
    private static final LoopLimits LIMITS = new LoopLimits(128, MAX_CORRECTION_TOKENS);

    private final ScriptedUpstream upstream = new ScriptedUpstream()
            .answer(QUESTION, "First, 1 + 2 = wrong.", "Then, wrong + 4 = 7.", "The answer is 7.");
    private final ScriptedAligner aligner = new ScriptedAligner();
    private final AlignmentModels models = new AlignmentModels(upstream, TestPrompts.UPSTREAM, aligner, TestPrompts.ALIGNER);
    private final QuestionSampling sampling = QuestionSampling.recommended(GenerationDefaults.HUGGINGFACE, 42);

    @Test
    void shouldCorrectTheWholeDraftSentenceBySentenceWithoutFeedbackToTheUpstream() {
        ArmAnswer answer = new PosthocArm(models, LIMITS, 256, 16).answer("q1", QUESTION, sampling);

        // one upstream call for the whole draft: the corrections never reach the upstream
        assertThat(upstream.calls()).hasSize(1);
        assertThat(TestPrompts.parseUpstream(upstream.calls().get(0).prompt())[1]).isEmpty();
        // each correction sees the draft's own sentence and the prefix corrected so far
        assertThat(aligner.calls()).extracting(call -> List.of(TestPrompts.parseAligner(call.prompt())))
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

        ArmAnswer answer = new PosthocArm(models, LIMITS, 256, 16).answer("q1", QUESTION, sampling);

        assertThat(answer.answer()).isEqualTo("First, 1 + 2 = right. Then, right + 4 = 7.");
        assertThat(answer.finishReason()).isEqualTo("ALIGNER_END");
    }

    @Test
    void shouldCorrectNoMoreSentencesThanTheRoundLimit() {
        ArmAnswer answer = new PosthocArm(models, LIMITS, 256, 2).answer("q1", QUESTION, sampling);

        assertThat(answer.rounds()).isEqualTo(2);
        assertThat(answer.finishReason()).isEqualTo("MAX_ROUNDS");
    }

    @Test
    void shouldSampleTheDraftAsTheLoopsFirstRoundAndCorrectGreedilyAsTheLoopDoes() {
        new PosthocArm(models, LIMITS, 100, 16).answer("q1", QUESTION, sampling);

        CompletionRequest draft = upstream.calls().get(0);
        assertThat(draft.sampling()).isEqualTo(StepSampling.upstream(sampling.params(), 1));
        assertThat(draft.maxNewTokens()).isEqualTo(100);
        for (int round = 1; round <= 3; round++) {
            CompletionRequest correction = aligner.calls().get(round - 1);
            assertThat(correction.sampling()).isEqualTo(StepSampling.aligner(sampling.params(), round));
            assertThat(correction.sampling().greedy()).isTrue();
            assertThat(correction.maxNewTokens()).isEqualTo(MAX_CORRECTION_TOKENS);
        }
    }

    @Test
    void shouldEndWithAnErrorWhenACorrectionFails() {
        aligner.failOn(QUESTION);

        ArmAnswer answer = new PosthocArm(models, LIMITS, 256, 16).answer("q1", QUESTION, sampling);

        assertThat(answer.finishReason()).isEqualTo("ERROR");
        assertThat(answer.error()).hasValueSatisfying(error -> assertThat(error).startsWith("ALIGNER round 1"));
        assertThat(answer.succeeded()).isFalse();
    }

    @Test
    void shouldCountTheDraftsTokensAgainstTheBudget() {
        ArmAnswer answer = new PosthocArm(models, LIMITS, 4, 16).answer("q1", QUESTION, sampling);

        assertThat(answer.finishReason()).as(answer.error().toString()).isEqualTo("MAX_TOKENS");
    }
}
