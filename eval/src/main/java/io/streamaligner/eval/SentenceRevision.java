package io.streamaligner.eval;

import java.util.Objects;

/**
 * One sentence as the upstream wrote it and as the aligner left it.
 *
 * @param original  the upstream's sentence
 * @param corrected the aligner's correction, which is what the answer holds
 */
public record SentenceRevision(String original, String corrected) {

    public SentenceRevision {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(corrected, "corrected");
    }

    public boolean changed() {
        return !original.equals(corrected);
    }
}
