package io.streamaligner.inference.onnx;

/**
 * What an engine has done since it started.
 *
 * @param prefilledTokens    prompt tokens run through prefill passes (padding not counted)
 * @param reusedPromptTokens prompt tokens not run because a kept cache of the same conversation held them
 * @param decodeSteps        decode steps, each advancing every row of the batch by a token
 * @param generatedTokens    tokens generated for requests: each one's first (from its prefill) and one per live row
 *                           of each decode step, those of requests cancelled meanwhile included
 * @param forwardNanos       time spent in forward passes, prefill and decode
 */
public record EngineStatistics(long prefilledTokens, long reusedPromptTokens, long decodeSteps, long generatedTokens,
                               long forwardNanos) {
}
