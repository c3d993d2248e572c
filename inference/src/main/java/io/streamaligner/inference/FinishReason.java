package io.streamaligner.inference;

/** Why a completion ended. */
public enum FinishReason {
    /** The model emitted one of its end-of-sequence tokens. */
    EOS,
    /** The model emitted its end-of-answer token (the aligner's signal that the whole answer is complete). */
    END_OF_ANSWER,
    /** The caller's {@link StopCondition} cut the text. */
    STOP,
    /** The request's max new tokens was reached. */
    LENGTH
}
