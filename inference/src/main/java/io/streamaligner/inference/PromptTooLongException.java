package io.streamaligner.inference;

/** A prompt has at least as many tokens as the model's context allows, so not even one token can follow. */
public final class PromptTooLongException extends InferenceException {

    public PromptTooLongException(String requestId, int promptTokens, int maxPositions) {
        super("request " + requestId + ": prompt has " + promptTokens + " tokens, the model allows at most "
                + maxPositions + " in all");
    }
}
