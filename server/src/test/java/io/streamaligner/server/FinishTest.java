package io.streamaligner.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.inference.FinishReason;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FinishTest {

    private static final Optional<String> END_OF_ANSWER = Optional.of("<|end_of_answer|>");

    @Test
    void shouldTellTheAlignersEndOfAnswerFromAPlainEnd() {
        assertThat(Finish.of(FinishReason.EOS, Optional.empty(), END_OF_ANSWER)).isEqualTo(new Finish("stop", null));
        assertThat(Finish.of(FinishReason.END_OF_ANSWER, Optional.empty(), END_OF_ANSWER))
                .isEqualTo(new Finish("stop", "<|end_of_answer|>"));
    }

    @Test
    void shouldReportTheStopStringAndTheLengthLimit() {
        assertThat(Finish.of(FinishReason.STOP, Optional.of("\n\n"), END_OF_ANSWER)).isEqualTo(new Finish("stop", "\n\n"));
        assertThat(Finish.of(FinishReason.LENGTH, Optional.empty(), END_OF_ANSWER)).isEqualTo(new Finish("length", null));
    }
}
