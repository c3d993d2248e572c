package io.streamaligner.inference.onnx;

/**
 * What an engine has done since it started.
 *
 * @param prefilledTokens    prompt tokens run (padding not counted), in prefill passes or, for a prompt resumed from a
 *                           kept cache that held all of it but its last token, in a decode step
 * @param reusedPromptTokens prompt tokens not run because a kept cache of the same conversation held them
 * @param prefillPasses      forward passes over prompts (fresh, or the rest of prompts resumed from kept caches)
 * @param decodeSteps        decode steps, each advancing every row of the batch by a token
 * @param generatedTokens    tokens generated for requests: one per live row of each pass (a row's first from its
 *                           prompt's last token), those of requests cancelled meanwhile included
 * @param forwardNanos       time spent in forward passes, prefill and decode
 */
public record EngineStatistics(long prefilledTokens, long reusedPromptTokens, long prefillPasses, long decodeSteps,
                               long generatedTokens, long forwardNanos) {
}
