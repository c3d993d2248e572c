package io.streamaligner.topology.cli;

import io.streamaligner.schemas.SentenceAligned;

/**
 * How {@code ask} and {@code demo} show one aligned sentence: the upstream's sentence, an arrow, the correction,
 * with a {@code *} and "(corrected)" when the aligner changed it; line breaks inside a sentence show as {@code \n},
 * so that each sentence is one line. {@code ask} shows the upstream's provisional text of a round before it, on a line
 * starting with {@code ~}:
 * <pre>
 * round 1 ~ First, 23 + 48 = 72.
 * round 1 * First, 23 + 48 = 72.  →  First, 23 + 48 = 71.  (corrected)
 * round 2   Then, 71 - 19 = 52.  →  Then, 71 - 19 = 52.
 * </pre>
 */
final class AlignedSentenceLine {

    static final String ARROW = "  →  ";

    private AlignedSentenceLine() {
    }

    static String format(SentenceAligned sentence) {
        return "round " + sentence.getRound() + (sentence.getChanged() ? " * " : "   ") + oneLine(sentence.getOriginal()) + ARROW
                + oneLine(sentence.getCorrected()) + (sentence.getChanged() ? "  (corrected)" : "");
    }

    /** The start of a round's provisional line, before the upstream's text. */
    static String provisionalStart(int round) {
        return "round " + round + " ~ ";
    }

    static String oneLine(String text) {
        return text.replace("\r", "\\r").replace("\n", "\\n").replace("\u0085", "\\u0085")
                .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    }
}
