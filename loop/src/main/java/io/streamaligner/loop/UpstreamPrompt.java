package io.streamaligner.loop;

/**
 * Renders the upstream model's prompt for one step: the question as the user turn and the aligned prefix as
 * the open assistant turn, so the model continues the corrected answer. The application wires this to the
 * upstream model's chat template, e.g. {@code chatTemplate::upstreamPrompt}.
 */
@FunctionalInterface
public interface UpstreamPrompt {

    /**
     * @param systemPrompt  the request's system prompt, empty for none
     * @param question      the user's question
     * @param alignedPrefix the answer aligned so far; empty on the first step
     */
    String render(String systemPrompt, String question, String alignedPrefix);
}
