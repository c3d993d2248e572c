package io.streamaligner.inference.onnx;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.SamplingParams;
import io.streamaligner.inference.StopCondition;
import io.streamaligner.inference.TestModels;
import io.streamaligner.inference.model.ModelFolder;
import io.streamaligner.inference.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

class DecodingSequenceTest {

    private static Tokenizer tokenizer;
    private static int vocab;
    private static int end;
    private static int endOfAnswer;
    private static DecodingSequence.EndTokens endTokens;

    private final List<String> deltas = new ArrayList<>();
    private final DeltaListener collect = (id, delta) -> deltas.add(delta);

    @BeforeAll
    static void load() {
        tokenizer = Tokenizer.load(TestModels.aligner().resolve("tokenizer.json"));
        vocab = ModelFolder.open(TestModels.aligner()).config().vocabSize();
        end = tokenizer.specialTokens().get("<|end|>");
        endOfAnswer = tokenizer.specialTokens().get("<|end_of_answer|>");
        endTokens = new DecodingSequence.EndTokens(new int[]{end}, endOfAnswer);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void shouldFinishWithEndOfAnswerWhenTheAlignerChoosesIt() {
        DecodingSequence sequence = sequence(CompletionRequest.greedy("r", "p", 10));

        feed(sequence, tokenizer.encode("The answer is 5."));
        boolean finished = choose(sequence, endOfAnswer);

        assertThat(finished).isTrue();
        assertFinishedStreaming(sequence, FinishReason.END_OF_ANSWER, "The answer is 5.");
    }

    @Test
    void shouldFinishWithEosWithoutItsText() {
        DecodingSequence sequence = sequence(CompletionRequest.greedy("r", "p", 10));

        feed(sequence, tokenizer.encode("Hi"));
        choose(sequence, end);

        assertThat(sequence.result().join()).extracting(Completion::finishReason, Completion::text,
                Completion::generatedTokens).containsExactly(FinishReason.EOS, "Hi", tokenizer.encode("Hi").length + 1);
    }

    @Test
    void shouldNotChooseAnEndTokenBeforeTheMinimum() {
        DecodingSequence sequence = sequence(CompletionRequest.greedy("r", "p", 10).withMinNewTokens(2));
        int other = tokenizer.encode("x")[0];

        favour(sequence, end);
        sequence.logits()[other] = 5f;
        boolean finished = sequence.accept();

        assertThat(finished).isFalse();
        assertThat(sequence.lastToken()).isEqualTo(other);
    }

    @Test
    void shouldStopAtTheMaximumWithLength() {
        DecodingSequence sequence = sequence(CompletionRequest.greedy("r", "p", 3));

        int[] tokens = tokenizer.encode("a b c d e");
        assertThat(choose(sequence, tokens[0])).isFalse();
        assertThat(choose(sequence, tokens[1])).isFalse();
        assertThat(choose(sequence, tokens[2])).isTrue();

        assertThat(sequence.result().join().finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(sequence.result().join().generatedTokens()).isEqualTo(3);
    }

    @Test
    void shouldCutWhereTheStopConditionSaysAndNeverStreamPastTheCut() {
        StopCondition firstSentence = text -> {
            int dot = text.indexOf(". ");
            return dot < 0 ? StopCondition.NO_STOP : dot + 1;
        };
        DecodingSequence sequence = sequence(
                new CompletionRequest("r", "p", SamplingParams.GREEDY, 50, firstSentence));

        feed(sequence, tokenizer.encode("First, 2 + 3 = 5. Then more"));

        assertFinishedStreaming(sequence, FinishReason.STOP, "First, 2 + 3 = 5.");
    }

    @Test
    void shouldFailTheRequestWhenItsListenerThrows() {
        DecodingSequence sequence = new DecodingSequence(CompletionRequest.greedy("r", "p", 10), new int[]{1, 2},
                10, endTokens, tokenizer, vocab, (id, delta) -> {
            throw new IllegalStateException("listener broke");
        }, System.nanoTime());

        assertThat(choose(sequence, tokenizer.encode("x")[0])).isTrue();
        assertThat(sequence.result()).failsWithin(Duration.ZERO)
                .withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(GenerationException.class).withMessageContaining("listener broke");
    }

    @Test
    void shouldCountTheTokensAPromptSharesWithWhatWasFedAsFedTokensHoldsThem() {
        DecodingSequence sequence = sequence(CompletionRequest.greedy("r", "p", 10));
        feed(sequence, tokenizer.encode("The answer is 5."));
        int[] fed = sequence.fedTokens();
        int[] longer = Arrays.copyOf(fed, fed.length + 3);
        int[] diverging = fed.clone();
        diverging[fed.length - 2] = diverging[fed.length - 2] + 1;

        assertThat(sequence.sharedWithFed(fed)).isEqualTo(fed.length);
        assertThat(sequence.sharedWithFed(longer)).as("not past what was fed").isEqualTo(fed.length);
        assertThat(sequence.sharedWithFed(diverging)).isEqualTo(fed.length - 2);
        assertThat(sequence.sharedWithFed(Arrays.copyOf(fed, 3))).isEqualTo(3);
        assertThat(sequence.sharedWithFed(new int[0])).isZero();
    }

    private DecodingSequence sequence(CompletionRequest request) {
        return new DecodingSequence(request, tokenizer.encode("<|user|>q<|assistant|>"), request.maxNewTokens(),
                endTokens, tokenizer, vocab, collect, System.nanoTime());
    }

    /** The sequence finished for {@code reason} with {@code text}, and streamed exactly that text. */
    private void assertFinishedStreaming(DecodingSequence sequence, FinishReason reason, String text) {
        Completion completion = sequence.result().join();
        assertThat(completion.finishReason()).isEqualTo(reason);
        assertThat(completion.text()).isEqualTo(text);
        assertThat(String.join("", deltas)).isEqualTo(text);
    }

    /** Makes {@code token} the clear argmax, then lets the sequence take it. */
    private static boolean choose(DecodingSequence sequence, int token) {
        favour(sequence, token);
        return sequence.accept();
    }

    /** Makes {@code token} the clear argmax of the sequence's next logits. */
    private static void favour(DecodingSequence sequence, int token) {
        Arrays.fill(sequence.logits(), -10f);
        sequence.logits()[token] = 10f;
    }

    private static void feed(DecodingSequence sequence, int[] tokens) {
        for (int token : tokens) {
            if (choose(sequence, token)) {
                return;
            }
        }
    }
}
