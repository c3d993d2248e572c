package io.streamaligner.dataset.teacher;

import io.streamaligner.inference.ChatTurns;
import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.Generation;
import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.SamplingParams;
import io.streamaligner.inference.StopCondition;
import io.streamaligner.inference.TextGenerator;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * A strong model in the aligner's place: the seam between the loop and a teacher on an OpenAI-compatible chat
 * endpoint. The loop renders the aligner's prompt with {@link TeacherPrompt} and submits it here as it would to its
 * aligner; this sends the prompt as the user message of a chat request to the backend (greedy, up to
 * {@code maxTokens}), reads the answer ({@link TeacherAnswer}) and completes with the correction as the text, and with
 * {@link FinishReason#END_OF_ANSWER} when the teacher said {@code EOS: [[TRUE]]} (the aligner's end-of-answer signal;
 * {@link FinishReason#EOS}, a plain finished correction, otherwise). So the loop core runs unchanged.
 *
 * <p>An answer that cannot be read is asked once more ({@link TeacherPrompt#askAgain}); a second unreadable answer
 * fails the call without retry, and {@link #answers()} keeps why. A backend failure is passed on as it is, so the
 * inference stage retries what may succeed. Every readable answer is kept in {@link #answers()}. Like every
 * {@link TextGenerator}, {@link #submit} returns at once. Closing this closes the backend.
 */
public final class TeacherAligner implements TextGenerator {

    private final TextGenerator backend;
    private final TeacherPrompt prompt;
    private final int maxTokens;
    private final TeacherAnswers answers = new TeacherAnswers();
    private final LongAdder calls = new LongAdder();
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder completionTokens = new LongAdder();
    private final LongAdder nanos = new LongAdder();

    /**
     * @param backend   the teacher's chat endpoint (an {@code HttpTextGenerator} on the chat API)
     * @param prompt    the prompt the loop renders, for asking again
     * @param maxTokens the most tokens one answer of the teacher may take
     */
    public TeacherAligner(TextGenerator backend, TeacherPrompt prompt, int maxTokens) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.prompt = Objects.requireNonNull(prompt, "prompt");
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1, got " + maxTokens);
        }
        this.maxTokens = maxTokens;
    }

    /** @param request the aligner's call, its prompt rendered by {@link TeacherPrompt}; its other fields are not used */
    @Override
    public Generation submit(CompletionRequest request, DeltaListener listener) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        TeacherCall call = new TeacherCall(request);
        call.ask(request.prompt(), true);
        return Generation.of(call.result, call::cancel);
    }

    /** The teacher's answers so far, and the requests it could not annotate. */
    public TeacherAnswers answers() {
        return answers;
    }

    /** What the teacher's calls have cost so far. */
    public TeacherUsage usage() {
        return new TeacherUsage(calls.sum(), promptTokens.sum(), completionTokens.sum(), nanos.sum());
    }

    @Override
    public void close() {
        backend.close();
    }

    @Override
    public String toString() {
        return "TeacherAligner[" + backend + "]";
    }

    /** One aligner call: one or two askings of the teacher. */
    private final class TeacherCall {

        private final CompletionRequest request;
        private final CompletableFuture<Completion> result = new CompletableFuture<>();
        /** Guarded by this: the asking in flight, and whether the call was given up. */
        private Generation asking;
        private boolean cancelled;
        /** Summed over the askings; touched by one asking's callback at a time. */
        private int callPromptTokens;
        private int callCompletionTokens;
        private long callNanos;

        TeacherCall(CompletionRequest request) {
            this.request = request;
        }

        void ask(String message, boolean first) {
            Generation generation = backend.submit(new CompletionRequest(request.id(), message, SamplingParams.GREEDY,
                    maxTokens, StopCondition.NEVER).withChat(ChatTurns.user(message)), DeltaListener.NONE);
            synchronized (this) {
                if (cancelled) {
                    generation.cancel();
                    return;
                }
                asking = generation;
            }
            generation.completion().whenComplete((completion, failure) -> answered(completion, failure, first));
        }

        private void answered(Completion completion, Throwable failure, boolean first) {
            if (failure != null) {
                result.completeExceptionally(failure instanceof CompletionException wrapped && wrapped.getCause() != null
                        ? wrapped.getCause() : failure);
                return;
            }
            count(completion);
            if (result.isDone()) {
                return; // cancelled meanwhile: nothing of it is kept
            }
            TeacherAnswer answer;
            try {
                answer = TeacherAnswer.parse(completion.text());
            } catch (UnreadableAnswerException unreadable) {
                if (first) {
                    ask(prompt.askAgain(request.prompt(), unreadable.reason()), false);
                } else {
                    answers.reject(request.id(), new TeacherAnswers.Rejection(request.prompt(), unreadable.reason(),
                            completion.text()));
                    result.completeExceptionally(new GenerationException("request " + request.id()
                            + ": the teacher's answer could not be read, twice: " + unreadable.reason()));
                }
                return;
            }
            answers.record(request.id(), request.prompt(), answer);
            result.complete(new Completion(request.id(), answer.correction(),
                    answer.endOfAnswer() ? FinishReason.END_OF_ANSWER : FinishReason.EOS,
                    callPromptTokens, callCompletionTokens, callNanos));
        }

        private void count(Completion completion) {
            calls.increment();
            promptTokens.add(completion.promptTokens());
            completionTokens.add(completion.generatedTokens());
            nanos.add(completion.nanos());
            callPromptTokens += completion.promptTokens();
            callCompletionTokens += completion.generatedTokens();
            callNanos += completion.nanos();
        }

        void cancel() {
            Generation running;
            synchronized (this) {
                cancelled = true;
                running = asking;
            }
            if (running != null) {
                running.cancel();
            }
            result.completeExceptionally(new GenerationException("request " + request.id() + ": cancelled"));
        }
    }
}
