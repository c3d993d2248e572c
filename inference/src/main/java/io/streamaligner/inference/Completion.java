package io.streamaligner.inference;

/**
 * The result of one {@link CompletionRequest}.
 *
 * @param id              the request's id
 * @param text            the generated text (cut where the stop condition said; no special tokens)
 * @param finishReason    why generation ended
 * @param promptTokens    tokens in the prompt
 * @param generatedTokens tokens generated (those discarded past a stop cut included)
 * @param nanos           wall time from submission to finish, as the caller waited: an engine's queue and
 *                        generation; a server's also the network (so the same for every backend)
 */
public record Completion(String id, String text, FinishReason finishReason, int promptTokens, int generatedTokens,
                         long nanos) {
}
