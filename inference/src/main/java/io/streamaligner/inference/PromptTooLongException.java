package io.streamaligner.inference;

/**
 * A prompt has at least as many tokens as the model's context allows, so not even one token can follow: counted by
 * the engine, or said by a server (an OpenAI-compatible server's 400 for its context length). Not retryable.
 */
public final class PromptTooLongException extends InferenceException {

    public PromptTooLongException(String requestId, int promptTokens, int maxPositions) {
        super("request " + requestId + ": prompt has " + promptTokens + " tokens, the model allows at most "
                + maxPositions + " in all");
    }

    /** @param message what the server said, with the request and the endpoint named */
    public PromptTooLongException(String message) {
        super(message);
    }
}
