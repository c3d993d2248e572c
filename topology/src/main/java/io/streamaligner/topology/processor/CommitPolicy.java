package io.streamaligner.topology.processor;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * When a processor asks Kafka Streams to commit, chosen by the topology builder from where the processor's outputs go.
 * Under exactly_once_v2 a record becomes readable only when its transaction commits, so an output that the loop's
 * next hop reads from a topic waits for the commit interval unless the processor requests a commit as soon as it has
 * forwarded it: that took a round of the TOPICS wiring from 53 to 18 ms p50 in {@code ops/bench/round-overhead.sh}.
 * An output that goes on in memory waits for nothing, and a commit for it would only add a transaction per round.
 */
public enum CommitPolicy {

    /** The outputs go on in memory (or nothing waits for them): the commit interval suffices. */
    ON_INTERVAL,
    /** The outputs are the next hop of the loop through a topic: commit as soon as they are forwarded (exactly-once only). */
    WHEN_FORWARDED;

    /** Whether a processor in {@code context} requests a commit after forwarding: only under exactly_once_v2. */
    public boolean commitsWhenForwarded(ProcessorContext<?, ?> context) {
        Object guarantee = context.appConfigs().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
        return this == WHEN_FORWARDED && StreamsConfig.EXACTLY_ONCE_V2.equals(String.valueOf(guarantee));
    }
}
