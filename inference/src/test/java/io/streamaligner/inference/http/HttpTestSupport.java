package io.streamaligner.inference.http;

import io.streamaligner.inference.ChatTurns;
import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.Generation;
import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.SamplingParams;
import io.streamaligner.inference.StopCondition;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Requests, listeners and waits shared by the tests that talk to a {@link LocalOpenAiServer}. */
final class HttpTestSupport {

    static final String END_OF_ANSWER = "<|end_of_answer|>";
    /** Only so that a broken test fails instead of hanging; no test measures time. */
    static final long WAIT_SECONDS = 10;

    static final ChatTurns CONTINUED = new ChatTurns("You are a careful tutor.", "What is 7 + 5?", "Let me add.");
    static final String RENDERED = "<|im_start|>user\nWhat is 7 + 5?<|im_end|>\n<|im_start|>assistant\nLet me add.";

    private HttpTestSupport() {
    }

    static HttpModelSettings settings(LocalOpenAiServer server, ServerKind kind, ApiKind api) {
        return HttpModelSettings.defaults(server.baseUrl()).withServer(kind).withApi(api);
    }

    /** A greedy chat request continuing {@link #CONTINUED}, at most 64 new tokens. */
    static CompletionRequest chatRequest(String id) {
        return chatRequest(id, CONTINUED, StopCondition.NEVER);
    }

    static CompletionRequest chatRequest(String id, ChatTurns turns, StopCondition stop) {
        return new CompletionRequest(id, RENDERED, SamplingParams.GREEDY, 64, stop).withChat(turns);
    }

    /** A greedy request of rendered text alone, for the completions API. */
    static CompletionRequest textRequest(String id) {
        return new CompletionRequest(id, RENDERED, SamplingParams.GREEDY, 8, StopCondition.NEVER);
    }

    static Completion completionOf(Generation generation) throws Exception {
        return generation.completion().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** The generation's failure; fails the test if it completes, or does not end in time. */
    static GenerationException failureOf(Generation generation) throws InterruptedException, TimeoutException {
        try {
            Completion completion = generation.completion().get(WAIT_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + completion);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GenerationException failure) {
                return failure;
            }
            throw new AssertionError("expected a GenerationException, got " + e.getCause(), e.getCause());
        }
    }

    /** Collects the deltas one request gets; thread-safe. */
    static final class RecordingListener implements DeltaListener {

        private final List<String> deltas = new CopyOnWriteArrayList<>();
        private final List<String> ids = new CopyOnWriteArrayList<>();
        private final CountDownLatch first = new CountDownLatch(1);

        @Override
        public void onDelta(String requestId, String delta) {
            ids.add(requestId);
            deltas.add(delta);
            first.countDown();
        }

        List<String> deltas() {
            return List.copyOf(deltas);
        }

        List<String> requestIds() {
            return List.copyOf(ids);
        }

        String text() {
            return String.join("", deltas);
        }

        void awaitFirstDelta() throws InterruptedException {
            if (!first.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("no delta arrived");
            }
        }
    }
}
