package io.streamaligner.loop.inprocess;

import java.util.Objects;

/**
 * One round of the loop: the upstream's sentence and the aligner's correction of it, as a
 * {@code SentenceAligned} event on the {@code responses} topic would carry them.
 *
 * @param round     the round, from 1
 * @param original  the upstream's sentence
 * @param corrected the correction appended to the answer
 */
public record SentenceCorrection(int round, String original, String corrected) {

    public SentenceCorrection {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(corrected, "corrected");
    }

    /** Whether the aligner changed the sentence. */
    public boolean changed() {
        return !original.equals(corrected);
    }
}
