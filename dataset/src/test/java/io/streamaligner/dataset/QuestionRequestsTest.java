package io.streamaligner.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.eval.EvalItem;
import io.streamaligner.eval.QuestionSampling;
import io.streamaligner.loop.LoopLimits;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.GenerationParams;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How each question is asked of the loop. */
class QuestionRequestsTest {

    @Test
    void shouldAskWithTheUpstreamsSamplingSeededByTheQuestionsLineAndTheLimits() {
        GenerationParams sampling = GenerationParams.newBuilder().setTemperature(1.0).setTopK(40).setSeed(99).build();
        QuestionRequests requests = new QuestionRequests(sampling, 7, 12, 300, LoopLimits.DEFAULTS);

        AlignmentRequest request = requests.request("run-5", new EvalItem(5, "What is 2 + 3?", Optional.empty()));

        assertThat(request.getRequestId()).isEqualTo("run-5");
        assertThat(request.getQuestion()).isEqualTo("What is 2 + 3?");
        assertThat(request.getGeneration().getTemperature()).isEqualTo(1.0);
        assertThat(request.getGeneration().getTopK()).isEqualTo(40);
        assertThat(request.getGeneration().getSeed()).isEqualTo(QuestionSampling.questionSeed(7, 5));
        assertThat(request.getMaxRounds()).isEqualTo(12);
        assertThat(request.getMaxTotalTokens()).isEqualTo(300);
        assertThat(requests.request("another-run-5", new EvalItem(5, "What is 2 + 3?", Optional.empty())).getGeneration())
                .as("asked again by a later run, sampled alike").isEqualTo(request.getGeneration());
    }
}
