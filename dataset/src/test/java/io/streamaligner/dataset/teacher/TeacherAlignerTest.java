package io.streamaligner.dataset.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaligner.inference.ChatTurns;
import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.Generation;
import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.InferenceException;
import io.streamaligner.inference.SamplingParams;
import io.streamaligner.inference.StopCondition;
import io.streamaligner.inference.TextGenerator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The teacher in the aligner's place, over a chat backend the test answers by hand. */
class TeacherAlignerTest {

    private static final String QUESTION = "What is 23 + 48 - 15?";

    private final TeacherPrompt prompt = new TeacherPrompt();
    private final HandAnsweredBackend backend = new HandAnsweredBackend();
    private final TeacherAligner teacher = new TeacherAligner(backend, prompt, 300);

    @Test
    void shouldSendTheRenderedPromptAsTheOnlyUserMessageGreedily() {
        String rendered = prompt.render(QUESTION, "First, 23 + 48 = 71.", "Then, 71 - 15 = 58.");

        teacher.submit(alignerCall(rendered), DeltaListener.NONE);

        CompletionRequest sent = backend.request(0);
        assertThat(sent.chat()).contains(ChatTurns.user(rendered));
        assertThat(sent.id()).isEqualTo("r1");
        assertThat(sent.sampling()).isEqualTo(SamplingParams.GREEDY);
        assertThat(sent.maxNewTokens()).isEqualTo(300);
    }

    @Test
    void shouldReturnAtOnceBeforeTheTeacherAnswers() {
        Generation generation = teacher.submit(alignerCall(prompt.render(QUESTION, "", "First.")), DeltaListener.NONE);

        assertThat(generation.completion()).isNotDone();
    }

    @Test
    void shouldCompleteWithTheCorrectionAndTheEndFlagAsTheAlignersEndOfAnswer() throws Exception {
        Generation more = teacher.submit(alignerCall(prompt.render(QUESTION, "", "First, 23 + 48 = 70.")), DeltaListener.NONE);
        backend.answer(0, "CORRECTION: [[First, 23 + 48 = 71.]]\nEOS: [[FALSE]]", 120, 14);
        Generation last = teacher.submit(alignerCall(prompt.render(QUESTION, "First, 23 + 48 = 71. Then, 71 - 15 = 56.",
                "The answer is 56.")), DeltaListener.NONE);
        backend.answer(1, "CORRECTION: [[The answer is 56.]]\nEOS: [[TRUE]]", 130, 12);

        assertThat(more.completion().get()).isEqualTo(new Completion("r1", "First, 23 + 48 = 71.", FinishReason.EOS, 120, 14,
                HandAnsweredBackend.NANOS));
        assertThat(last.completion().get().text()).isEqualTo("The answer is 56.");
        assertThat(last.completion().get().finishReason()).isEqualTo(FinishReason.END_OF_ANSWER);
    }

    @Test
    void shouldKeepEachAnswerForItsRequestAndPrompt() {
        String rendered = prompt.render(QUESTION, "", "First, 23 + 48 = 70.");
        teacher.submit(alignerCall(rendered), DeltaListener.NONE);
        backend.answer(0, "CORRECTION: [[First, 23 + 48 = 71.]]", 10, 5);

        assertThat(teacher.answers().answerTo("r1", rendered)).contains(new TeacherAnswer("First, 23 + 48 = 71.", false));
        assertThat(teacher.answers().answerTo("r1", rendered + " ")).isEmpty();
        assertThat(teacher.answers().answerTo("r2", rendered)).isEmpty();
        teacher.answers().forget("r1");
        assertThat(teacher.answers().answerTo("r1", rendered)).isEmpty();
    }

    @Test
    void shouldAskOnceMoreWithTheReasonWhenTheAnswerCannotBeRead() throws Exception {
        String rendered = prompt.render(QUESTION, "", "First, 23 + 48 = 70.");
        Generation generation = teacher.submit(alignerCall(rendered), DeltaListener.NONE);

        backend.answer(0, "The first step should say 71.", 100, 8);

        assertThat(generation.completion()).isNotDone();
        assertThat(backend.request(1).prompt()).isEqualTo(prompt.askAgain(rendered, "no CORRECTION: [[…]] in the answer"));
        assertThat(backend.request(1).chat()).contains(ChatTurns.user(backend.request(1).prompt()));
        backend.answer(1, "CORRECTION: [[First, 23 + 48 = 71.]]\nEOS: [[FALSE]]", 110, 12);
        Completion completion = generation.completion().get();
        assertThat(completion.text()).isEqualTo("First, 23 + 48 = 71.");
        assertThat(completion.promptTokens()).as("both askings counted").isEqualTo(210);
        assertThat(completion.generatedTokens()).isEqualTo(20);
        assertThat(teacher.answers().answerTo("r1", rendered)).as("kept under the loop's prompt").isPresent();
    }

    @Test
    void shouldFailWithoutRetryAndKeepWhyWhenTheSecondAnswerCannotBeReadEither() {
        String rendered = prompt.render(QUESTION, "", "First, 23 + 48 = 70.");
        Generation generation = teacher.submit(alignerCall(rendered), DeltaListener.NONE);

        backend.answer(0, "Looks fine.", 100, 3);
        backend.answer(1, "CORRECTION: [[First, 23 + 48 = 71.", 110, 300);

        assertThatThrownBy(() -> generation.completion().get())
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InferenceException.class)
                .hasMessageContaining("could not be read, twice: CORRECTION: [[ is not closed with ]]")
                .satisfies(e -> assertThat(((InferenceException) e).retryable()).isFalse());
        assertThat(teacher.answers().rejection("r1")).contains(new TeacherAnswers.Rejection(rendered,
                "CORRECTION: [[ is not closed with ]] (was the answer cut short?)", "CORRECTION: [[First, 23 + 48 = 71."));
        assertThat(teacher.answers().answerTo("r1", rendered)).isEmpty();
        assertThat(backend.requests).as("asked twice, no more").hasSize(2);
    }

    @Test
    void shouldPassOnTheBackendsFailureAsItIsSoTheStageMayRetryIt() {
        Generation generation = teacher.submit(alignerCall(prompt.render(QUESTION, "", "First.")), DeltaListener.NONE);
        GenerationException unavailable = GenerationException.retryable("HTTP 503", null);

        backend.fail(0, unavailable);

        assertThatThrownBy(() -> generation.completion().get()).cause().isSameAs(unavailable);
        assertThat(teacher.answers().rejection("r1")).isEmpty();
    }

    @Test
    void shouldCountTheTokensAndTimeOfEveryAnswer() {
        teacher.submit(alignerCall(prompt.render(QUESTION, "", "First.")), DeltaListener.NONE);
        backend.answer(0, "no markers", 100, 3);
        backend.answer(1, "CORRECTION: [[First.]]", 101, 4);
        teacher.submit(alignerCall(prompt.render(QUESTION, "First.", "Then.")), DeltaListener.NONE);
        backend.answer(2, "CORRECTION: [[Then.]]", 102, 5);

        assertThat(teacher.usage()).isEqualTo(new TeacherUsage(3, 303, 12, 3 * HandAnsweredBackend.NANOS));
    }

    @Test
    void shouldCancelTheAskingInFlightAndKeepNothingOfIt() {
        String rendered = prompt.render(QUESTION, "", "First.");
        Generation generation = teacher.submit(alignerCall(rendered), DeltaListener.NONE);

        generation.cancel();
        backend.answer(0, "CORRECTION: [[First.]]", 10, 2);

        assertThat(backend.cancelled).containsExactly(0);
        assertThat(generation.completion()).isCompletedExceptionally();
        assertThat(teacher.answers().answerTo("r1", rendered)).isEmpty();
    }

    @Test
    void shouldCloseTheBackend() {
        teacher.close();

        assertThat(backend.closed).isTrue();
    }

    private static CompletionRequest alignerCall(String rendered) {
        // as the loop builds the aligner's call: its chat turns are the seed's input, which the teacher does not send
        return new CompletionRequest("r1", rendered, SamplingParams.GREEDY, 128, StopCondition.NEVER)
                .withChat(ChatTurns.user("##Question: ... | ##Your_Revision: "));
    }

    /** A chat backend whose calls the test completes by hand, in the order they were submitted. */
    private static final class HandAnsweredBackend implements TextGenerator {

        static final long NANOS = 2_000_000;

        final List<CompletionRequest> requests = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Completion>> completions = new CopyOnWriteArrayList<>();
        final List<Integer> cancelled = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        @Override
        public Generation submit(CompletionRequest request, DeltaListener listener) {
            int index = requests.size();
            requests.add(request);
            CompletableFuture<Completion> completion = new CompletableFuture<>();
            completions.add(completion);
            return Generation.of(completion, () -> cancelled.add(index));
        }

        CompletionRequest request(int index) {
            return requests.get(index);
        }

        void answer(int index, String text, int promptTokens, int completionTokens) {
            completions.get(index).complete(new Completion(requests.get(index).id(), text, FinishReason.EOS, promptTokens,
                    completionTokens, NANOS));
        }

        void fail(int index, Throwable failure) {
            completions.get(index).completeExceptionally(failure);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
