package io.streamaligner.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.model.GenerationDefaults;
import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.loop.StepSampling;
import io.streamaligner.loop.testing.ScriptedAligner;
import io.streamaligner.loop.testing.ScriptedUpstream;
import io.streamaligner.loop.testing.TestPrompts;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class UpstreamArmTest {

    private static final String QUESTION = "What is 1 + 2 + 4?";

    private final ScriptedUpstream upstream = new ScriptedUpstream()
            .answer(QUESTION, "First, 1 + 2 = wrong.", "Then, wrong + 4 = 7.", "The answer is 7.");
    private final ScriptedAligner aligner = new ScriptedAligner();
    private final AlignmentModels models = new AlignmentModels(upstream, TestPrompts.UPSTREAM, aligner, TestPrompts.ALIGNER);
    private final QuestionSampling sampling = QuestionSampling.recommended(
            new GenerationDefaults(true, 1.0, 0, 1.0, 1.0, List.of(), OptionalInt.empty()), 42);

    @Test
    void shouldAnswerWithTheUpstreamsWholeTextAndTimeEachOfItsSentences() {
        ArmAnswer answer = new UpstreamArm(models, 256).answer("q1", QUESTION, sampling);

        assertThat(answer.answer()).isEqualTo("First, 1 + 2 = wrong. Then, wrong + 4 = 7. The answer is 7.");
        assertThat(answer.revisions()).isEmpty();
        assertThat(aligner.calls()).isEmpty();
        assertThat(answer.rounds()).isEqualTo(3);
        assertThat(answer.roundNanos()).hasSize(3).allSatisfy(nanos -> assertThat(nanos).isNotNegative());
        assertThat(answer.roundNanos().stream().mapToLong(Long::longValue).sum()).isLessThanOrEqualTo(answer.totalNanos());
        assertThat(answer.firstSentenceNanos().getAsLong()).isEqualTo(answer.roundNanos().get(0));
        assertThat(answer.finishReason()).isEqualTo("EOS");
    }

    @Test
    void shouldSampleLikeTheStreamLoopsFirstRoundWithTheWholeTokenBudget() {
        new UpstreamArm(models, 77).answer("q1", QUESTION, sampling);

        CompletionRequest request = upstream.calls().get(0);
        assertThat(request.sampling()).isEqualTo(StepSampling.upstream(sampling.params(), 1));
        assertThat(request.sampling().temperature()).isEqualTo(1.0);
        assertThat(request.maxNewTokens()).isEqualTo(77);
    }
}
