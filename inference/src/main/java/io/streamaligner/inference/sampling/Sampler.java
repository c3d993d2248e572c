package io.streamaligner.inference.sampling;

/** Picks the next token from one row of logits. */
@FunctionalInterface
public interface Sampler {

    /** Greedy decoding: the most likely token (the lowest id among equals). */
    Sampler ARGMAX = Sampler::argmax;

    /**
     * @param logits one row of logits, as long as the vocabulary; the sampler may overwrite it
     * @return the chosen token id
     */
    int sample(float[] logits);

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
