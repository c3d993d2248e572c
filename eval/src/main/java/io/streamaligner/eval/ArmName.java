package io.streamaligner.eval;

import java.util.Locale;

/** The three ways of answering that an evaluation compares on the same questions. */
public enum ArmName {
    /** The upstream model alone writes the whole answer. */
    UPSTREAM,
    /** The stream aligner loop on Kafka: each sentence corrected before the upstream writes the next. */
    STREAM,
    /** The Aligner way: the upstream writes the whole answer, then the aligner corrects it sentence by sentence. */
    POSTHOC;

    /** The name used on the command line, in tables and in reports. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The arm named {@code label} (any case). */
    public static ArmName fromLabel(String label) {
        return valueOf(label.strip().toUpperCase(Locale.ROOT));
    }
}
