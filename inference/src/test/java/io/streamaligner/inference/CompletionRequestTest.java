package io.streamaligner.inference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompletionRequestTest {

    @Test
    void shouldBuildAGreedyRequestWithoutAMinimum() {
        CompletionRequest request = CompletionRequest.greedy("r", "prompt", 32);

        assertThat(request.sampling()).isEqualTo(SamplingParams.GREEDY);
        assertThat(request.stop()).isSameAs(StopCondition.NEVER);
        assertThat(request.minNewTokens()).isZero();
        assertThat(request.withMinNewTokens(32).minNewTokens()).isEqualTo(32);
    }

    @Test
    void shouldRejectImpossibleLengths() {
        assertThatThrownBy(() -> CompletionRequest.greedy("r", "p", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CompletionRequest.greedy("r", "p", 4).withMinNewTokens(5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNameTheMissingArgument() {
        assertThatThrownBy(() -> CompletionRequest.greedy(null, "p", 4))
                .isInstanceOf(NullPointerException.class).hasMessage("id");
    }
}
