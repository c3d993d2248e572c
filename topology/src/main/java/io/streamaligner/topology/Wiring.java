package io.streamaligner.topology;

/**
 * How the loop's hops between processors are made. Either way every topic of {@link Topics} is written, so
 * observers see the same records; the feedback hop always crosses its topic (a cycle cannot be a DAG).
 */
public enum Wiring {
    /**
     * UpstreamStep → Segmenter → Aligner in memory, in one sub-topology: a round crosses one topic
     * ({@code feedback}); {@code upstream-tokens} and {@code sentences} are still published for observers.
     */
    IN_MEMORY,
    /** Every hop through its topic: a round crosses three topics, and each processor can scale on its own. */
    TOPICS
}
