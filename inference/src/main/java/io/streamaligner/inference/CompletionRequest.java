package io.streamaligner.inference;

import java.util.Objects;
import java.util.Optional;

/**
 * One prompt to complete.
 *
 * @param id           caller's id, echoed in the {@link Completion} and the deltas
 * @param prompt       the fully rendered prompt text (chat template applied, see
 *                     {@link io.streamaligner.inference.template.ChatTemplate})
 * @param sampling     how to pick tokens; {@link SamplingParams#GREEDY} for argmax
 * @param maxNewTokens generation stops after this many new tokens
 * @param stop         caller's stop rule over the decoded text
 * @param minNewTokens end-of-sequence and end-of-answer tokens are never chosen before this many new tokens
 *                     (0: no minimum); benchmarks use it to generate a fixed length
 * @param chat         the turns {@code prompt} was rendered from, when it was rendered from a conversation: a backend
 *                     whose server applies the chat template itself sends these instead of the text
 */
public record CompletionRequest(String id, String prompt, SamplingParams sampling, int maxNewTokens, StopCondition stop,
                                int minNewTokens, Optional<ChatTurns> chat) {

    public CompletionRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(stop, "stop");
        Objects.requireNonNull(chat, "chat");
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException("maxNewTokens must be positive, got " + maxNewTokens);
        }
        if (minNewTokens < 0 || minNewTokens > maxNewTokens) {
            throw new IllegalArgumentException("minNewTokens must be in [0, maxNewTokens], got " + minNewTokens);
        }
    }

    /** A request of rendered text alone, without a minimum length. */
    public CompletionRequest(String id, String prompt, SamplingParams sampling, int maxNewTokens, StopCondition stop) {
        this(id, prompt, sampling, maxNewTokens, stop, 0, Optional.empty());
    }

    /** A request of rendered text alone. */
    public CompletionRequest(String id, String prompt, SamplingParams sampling, int maxNewTokens, StopCondition stop,
                             int minNewTokens) {
        this(id, prompt, sampling, maxNewTokens, stop, minNewTokens, Optional.empty());
    }

    public static CompletionRequest greedy(String id, String prompt, int maxNewTokens) {
        return new CompletionRequest(id, prompt, SamplingParams.GREEDY, maxNewTokens, StopCondition.NEVER);
    }

    /** This request, generating at least {@code tokens} before an end token may be chosen. */
    public CompletionRequest withMinNewTokens(int tokens) {
        return new CompletionRequest(id, prompt, sampling, maxNewTokens, stop, tokens, chat);
    }

    /** This request, noting the turns its prompt was rendered from. */
    public CompletionRequest withChat(ChatTurns turns) {
        return new CompletionRequest(id, prompt, sampling, maxNewTokens, stop, minNewTokens, Optional.of(turns));
    }
}
