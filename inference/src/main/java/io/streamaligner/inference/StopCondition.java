package io.streamaligner.inference;

/**
 * A caller's stop rule over the text generated so far (the upstream stops at a sentence boundary with it).
 *
 * <p>Called after each decoded delta with the whole generated text; returning a non-negative index stops
 * generation and truncates the completion's text to {@code text.substring(0, index)}. Tokens past the cut
 * are discarded (their text is never reported as a delta beyond the cut).
 */
@FunctionalInterface
public interface StopCondition {

    int NO_STOP = -1;

    StopCondition NEVER = text -> NO_STOP;

    /** @return where to cut the text and stop, or {@link #NO_STOP} to continue */
    int stopAt(String generatedText);

    /**
     * How many characters at the end of {@code generatedText} a later call may still cut away (a rule that decides
     * with look-ahead can cut before text it has already seen): backends hold them back from their listeners until
     * more text or the end comes, so no delta ever goes beyond the cut.
     */
    default int holdBack(CharSequence generatedText) {
        return 0;
    }
}
