package io.streamaligner.inference.http;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.SamplingParams;
import io.streamaligner.inference.StopCondition;
import io.streamaligner.inference.http.HttpTestSupport.RecordingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamAssemblerTest {

    private static final String TOKEN = "<|end_of_answer|>";
    private static final StopCondition FIRST_SENTENCE = text -> {
        int end = text.indexOf(". ");
        return end < 0 ? StopCondition.NO_STOP : end + 1;
    };

    private final RecordingListener listener = new RecordingListener();

    private StreamAssembler assembler(StopCondition stop, Optional<String> endOfAnswer) {
        CompletionRequest request = new CompletionRequest("r1", "prompt",
                SamplingParams.GREEDY, 32, stop);
        return new StreamAssembler(request, listener, endOfAnswer);
    }

    private StreamAssembler withToken() {
        return assembler(StopCondition.NEVER, Optional.of(TOKEN));
    }

    private StreamAssembler plain() {
        return assembler(StopCondition.NEVER, Optional.empty());
    }

    @Test
    void shouldHandEachPieceToTheListenerAsItComes() {
        StreamAssembler assembler = plain();

        assertThat(assembler.append("Un")).isFalse();
        assertThat(assembler.append(" café")).isFalse();

        assertThat(listener.deltas()).containsExactly("Un", " café");
        assertThat(listener.requestIds()).containsOnly("r1");
    }

    @Test
    void shouldSkipEmptyPieces() {
        StreamAssembler assembler = plain();

        assembler.append("");
        assembler.append("a");
        assembler.append("");
        assembler.serverFinished("stop", Optional.empty());

        assertThat(listener.deltas()).containsExactly("a");
        assertThat(assembler.completion(1).generatedTokens()).isEqualTo(1);
    }

    @Test
    void shouldReportEosWhenTheServerStops() {
        StreamAssembler assembler = plain();
        assembler.append("Done.");

        assembler.serverFinished("stop", Optional.empty());

        Completion completion = assembler.completion(5);
        assertThat(completion.finishReason()).isEqualTo(FinishReason.EOS);
        assertThat(completion.text()).isEqualTo("Done.");
        assertThat(completion.nanos()).isEqualTo(5);
    }

    /** {@code repetition}: vLLM's opt-in repetition detection cut the text. */
    @ParameterizedTest
    @ValueSource(strings = {"length", "repetition"})
    void shouldReportLengthWhenTheServerCutsTheText(String reason) {
        StreamAssembler assembler = plain();
        assembler.append("Zürich is");

        assembler.serverFinished(reason, Optional.empty());

        assertThat(assembler.completion(1).finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void shouldReportEndOfAnswerWhenTheServerStoppedAtTheToken() {
        StreamAssembler assembler = withToken();
        assembler.append("x = 4.");

        assembler.serverFinished("stop", Optional.of(TOKEN));

        assertThat(assembler.completion(1).finishReason()).isEqualTo(FinishReason.END_OF_ANSWER);
    }

    @Test
    void shouldReportEosWhenTheServerStoppedAtAnotherStop() {
        StreamAssembler assembler = withToken();
        assembler.append("x = 4.");

        assembler.serverFinished("stop", Optional.of("151645"));

        assertThat(assembler.completion(1).finishReason()).isEqualTo(FinishReason.EOS);
    }

    @Test
    void shouldReportEosForAStopReasonWithoutAnEndOfAnswerToken() {
        StreamAssembler assembler = plain();
        assembler.append("x = 4.");

        assembler.serverFinished("stop", Optional.of(TOKEN));

        assertThat(assembler.completion(1).finishReason()).isEqualTo(FinishReason.EOS);
    }

    @Test
    void shouldReadTgisFinishReasons() {
        StreamAssembler stopSequence = withToken();
        stopSequence.serverFinished("stop_sequence", Optional.empty());
        StreamAssembler eosToken = withToken();
        eosToken.serverFinished("eos_token", Optional.empty());
        StreamAssembler noToken = plain();
        noToken.serverFinished("stop_sequence", Optional.empty());

        assertThat(stopSequence.completion(1).finishReason()).isEqualTo(FinishReason.END_OF_ANSWER);
        assertThat(eosToken.completion(1).finishReason()).isEqualTo(FinishReason.EOS);
        assertThat(noToken.completion(1).finishReason()).isEqualTo(FinishReason.EOS);
    }

    @Test
    void shouldFailRetryablyWhenTheServerAborts() {
        StreamAssembler assembler = plain();

        assertThatThrownBy(() -> assembler.serverFinished("abort", Optional.empty()))
                .isInstanceOf(GenerationException.class)
                .hasMessageContaining("r1")
                .satisfies(error -> assertThat(((GenerationException) error).retryable()).isTrue());
    }

    @Test
    void shouldFailRetryablyWhenTheServerEndsInError() {
        assertThatThrownBy(() -> plain().serverFinished("error", Optional.empty()))
                .isInstanceOf(GenerationException.class)
                .satisfies(error -> assertThat(((GenerationException) error).retryable()).isTrue());
    }

    @Test
    void shouldFailForGoodOnAFinishThatIsNeitherAnEndNorALengthCut() {
        for (String reason : new String[] {"content_filter", "tool_calls"}) {
            assertThatThrownBy(() -> plain().serverFinished(reason, Optional.empty())).as(reason)
                    .isInstanceOf(GenerationException.class)
                    .hasMessageContaining("finish_reason '" + reason + "'")
                    .satisfies(error -> assertThat(((GenerationException) error).retryable()).isFalse());
        }
    }

    // ---- the end-of-answer token ----

    @Test
    void shouldEndAtTheEndOfAnswerTokenWithoutHandingItOn() {
        StreamAssembler assembler = withToken();
        assembler.append("The sum is 12.");

        assertThat(assembler.append(TOKEN)).isTrue();

        assertThat(assembler.finished()).isTrue();
        assertThat(assembler.completion(1).finishReason()).isEqualTo(FinishReason.END_OF_ANSWER);
        assertThat(assembler.completion(1).text()).isEqualTo("The sum is 12.");
        assertThat(listener.text()).isEqualTo("The sum is 12.");
    }

    @Test
    void shouldNeverHandOnPiecesOfATokenSplitAcrossChunks() {
        StreamAssembler assembler = withToken();

        assembler.append("12.<|");
        assembler.append("end");
        assembler.append("_of");
        assembler.append("_answer|");
        boolean ended = assembler.append(">");

        assertThat(ended).isTrue();
        assertThat(listener.deltas()).containsExactly("12.");
        assertThat(assembler.completion(1).text()).isEqualTo("12.");
    }

    @Test
    void shouldHandOnTheTextBeforeATokenThatArrivesInThePieceWithIt() {
        StreamAssembler assembler = withToken();

        assertThat(assembler.append("four.<|end_of_answer|> trailing")).isTrue();

        assertThat(listener.text()).isEqualTo("four.");
        assertThat(assembler.completion(1).text()).isEqualTo("four.");
    }

    @Test
    void shouldReleaseHeldTextThatTurnsOutNotToBeTheToken() {
        StreamAssembler assembler = withToken();

        assembler.append("a <|");
        assertThat(listener.text()).isEqualTo("a ");
        assembler.append("im_start|>");

        assertThat(listener.text()).isEqualTo("a <|im_start|>");
    }

    @Test
    void shouldReleaseATokenPrefixHeldWhenTheServerFinishes() {
        StreamAssembler assembler = withToken();
        assembler.append("ends in <|end");

        assembler.serverFinished("length", Optional.empty());

        assertThat(listener.text()).isEqualTo("ends in <|end");
        assertThat(assembler.completion(1).text()).isEqualTo("ends in <|end");
        assertThat(assembler.completion(1).finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    // ---- the caller's stop condition ----

    @Test
    void shouldCutWhereTheStopConditionSaysAndReportStop() {
        StreamAssembler assembler = assembler(FIRST_SENTENCE, Optional.empty());
        assembler.append("So 12.");

        assertThat(assembler.append(" The answer")).isTrue();

        Completion completion = assembler.completion(1);
        assertThat(completion.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(completion.text()).isEqualTo("So 12.");
        assertThat(listener.deltas()).containsExactly("So 12.");
    }

    @Test
    void shouldHandOnThePartOfAPieceBeforeTheCut() {
        StreamAssembler assembler = assembler(FIRST_SENTENCE, Optional.empty());

        assertThat(assembler.append("So 12. The")).isTrue();

        assertThat(listener.deltas()).containsExactly("So 12.");
    }

    @Test
    void shouldIgnoreEverythingAfterTheCut() {
        StreamAssembler assembler = assembler(FIRST_SENTENCE, Optional.empty());
        assembler.append("So 12. The");

        assertThat(assembler.append(" answer")).isTrue();
        assembler.serverFinished("stop", Optional.empty());

        assertThat(listener.deltas()).containsExactly("So 12.");
        assertThat(assembler.completion(1).finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void shouldPreferTheStopCutWhenTheTextBeforeTheTokenMeetsIt() {
        StreamAssembler assembler = assembler(FIRST_SENTENCE, Optional.of(TOKEN));

        assertThat(assembler.append("So 12. The end." + TOKEN)).isTrue();

        assertThat(assembler.completion(1).finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(assembler.completion(1).text()).isEqualTo("So 12.");
    }

    // ---- token counts ----

    @Test
    void shouldTakeTheCountsFromTheUsage() {
        StreamAssembler assembler = plain();
        assembler.append("a");
        assembler.serverFinished("stop", Optional.empty());

        assembler.usage(new StreamChunk.Usage(27, 13));

        assertThat(assembler.completion(1).promptTokens()).isEqualTo(27);
        assertThat(assembler.completion(1).generatedTokens()).isEqualTo(13);
    }

    @Test
    void shouldCountThePiecesWithoutAUsage() {
        StreamAssembler assembler = plain();
        assembler.append("a");
        assembler.append("b");
        assembler.append("c");
        assembler.serverFinished("stop", Optional.empty());

        assertThat(assembler.completion(1).promptTokens()).isZero();
        assertThat(assembler.completion(1).generatedTokens()).isEqualTo(3);
    }

    @Test
    void shouldRefuseACompletionBeforeTheEnd() {
        StreamAssembler assembler = plain();
        assembler.append("a");

        assertThat(assembler.finished()).isFalse();
        assertThatThrownBy(() -> assembler.completion(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("r1");
    }
}
