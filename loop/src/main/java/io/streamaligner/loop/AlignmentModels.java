package io.streamaligner.loop;

import io.streamaligner.inference.TextGenerator;

import java.util.Objects;

/**
 * The two models the loop runs and how their prompts are rendered. Generators are shared by every task
 * (they are thread-safe); the topology never closes them, their owner does.
 *
 * @param upstream       writes the answer, one sentence per step
 * @param upstreamPrompt renders the upstream's prompt (wire to its chat template)
 * @param aligner        corrects each sentence; {@code END_OF_ANSWER} signals the answer is complete
 * @param alignerPrompt  renders the aligner's prompt (wire to its chat template)
 */
public record AlignmentModels(TextGenerator upstream, UpstreamPrompt upstreamPrompt,
                              TextGenerator aligner, AlignerPrompt alignerPrompt) {

    public AlignmentModels {
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(upstreamPrompt, "upstreamPrompt");
        Objects.requireNonNull(aligner, "aligner");
        Objects.requireNonNull(alignerPrompt, "alignerPrompt");
    }
}
