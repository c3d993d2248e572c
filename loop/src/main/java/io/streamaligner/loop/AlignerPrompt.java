package io.streamaligner.loop;

/**
 * Renders the aligner model's prompt for one sentence: the method's input
 * {@code ##Question: … | ##Answer_Prefix: … | ##Answer_Last_Sentence: … | ##Your_Revision: } in the aligner's
 * chat template. The application wires this to the aligner model's chat template, e.g.
 * {@code (q, prefix, last) -> chatTemplate.alignerPrompt(new AlignerInput(q, prefix, last))}.
 */
@FunctionalInterface
public interface AlignerPrompt {

    /**
     * @param question      the user's question
     * @param alignedPrefix the answer aligned so far (before this sentence)
     * @param lastSentence  the upstream's sentence to correct
     */
    String render(String question, String alignedPrefix, String lastSentence);
}
