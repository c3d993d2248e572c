package io.streamaligner.loop.testing;

import io.streamaligner.loop.AlignerPrompt;
import io.streamaligner.loop.UpstreamPrompt;
import io.streamaligner.loop.segment.SentenceSegmenter;

/** Prompt renderers for tests that the scripted models can parse back: fields joined by a unit separator. */
public final class TestPrompts {

    private static final String SEPARATOR = "\u001F";

    public static final UpstreamPrompt UPSTREAM = (system, question, prefix) -> question + SEPARATOR + prefix;
    public static final AlignerPrompt ALIGNER = (question, prefix, last) -> question + SEPARATOR + prefix + SEPARATOR + last;

    private TestPrompts() {
    }

    /** [question, alignedPrefix] of an {@link #UPSTREAM} prompt. */
    public static String[] parseUpstream(String prompt) {
        return prompt.split(SEPARATOR, -1);
    }

    /** [question, alignedPrefix, lastSentence] of an {@link #ALIGNER} prompt. */
    public static String[] parseAligner(String prompt) {
        return prompt.split(SEPARATOR, -1);
    }

    /** Sentences in {@code text}, as the segmenter cuts them. */
    public static int countSentences(String text) {
        int count = 0;
        String rest = text;
        for (int end; (end = SentenceSegmenter.firstSentenceEnd(rest, true)) > 0; rest = rest.substring(end)) {
            count++;
        }
        return count;
    }
}
