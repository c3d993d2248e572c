package io.streamaligner.topology;

import java.util.Locale;

/**
 * How the loop's hops between processors are made ({@code streamaligner.topology.wiring}). Either way every topic of
 * the contract is written, so observers see the same records; the feedback hop always crosses its topic (a cycle
 * cannot be a DAG).
 */
public enum Wiring {
    /**
     * UpstreamStep → Segmenter → Aligner in memory, in one sub-topology: a round crosses one topic
     * ({@code feedback}); {@code upstream-tokens} and {@code sentences} are still published for observers.
     */
    IN_MEMORY,
    /** Every hop through its topic: a round crosses three topics, and each processor can scale on its own. */
    TOPICS;

    /** The setting's value: {@code in-memory} or {@code topics}. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The wiring a setting names, or IllegalArgumentException saying which there are. */
    public static Wiring fromConfigValue(String value) {
        for (Wiring wiring : values()) {
            if (wiring.configValue().equalsIgnoreCase(value.strip())) {
                return wiring;
            }
        }
        throw new IllegalArgumentException("must be in-memory or topics, was " + value);
    }
}
