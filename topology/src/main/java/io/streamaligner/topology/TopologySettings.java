package io.streamaligner.topology;

import io.streamaligner.topology.processor.BatchSettings;

import java.time.Duration;
import java.util.Objects;

/**
 * How the loop's topology is built and how much work one model call may take.
 *
 * <p>One batch costs about {@code maxBatchSize} requests × the step's token cap in model time; keep that well
 * under the 10 s transaction timeout of exactly-once processing (and {@code max.poll.interval.ms}).
 *
 * @param wiring                in-memory hops (default) or every hop through its topic
 * @param batch                 batching of model calls, shared by the upstream step and the aligner
 * @param maxUpstreamStepTokens cap on one upstream step whatever the request asks
 * @param maxCorrectionTokens   cap on one aligner correction
 * @param progressRetention     how long the aligner remembers a request after its last round (to drop replays)
 */
public record TopologySettings(Wiring wiring, BatchSettings batch, int maxUpstreamStepTokens, int maxCorrectionTokens,
                               Duration progressRetention) {

    public static final TopologySettings DEFAULTS =
            new TopologySettings(Wiring.IN_MEMORY, BatchSettings.DEFAULTS, 128, 128, Duration.ofMinutes(10));

    public TopologySettings {
        Objects.requireNonNull(wiring, "wiring");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(progressRetention, "progressRetention");
        if (maxUpstreamStepTokens <= 0) {
            throw new IllegalArgumentException("maxUpstreamStepTokens must be positive, got " + maxUpstreamStepTokens);
        }
        if (maxCorrectionTokens <= 0) {
            throw new IllegalArgumentException("maxCorrectionTokens must be positive, got " + maxCorrectionTokens);
        }
        if (progressRetention.isNegative() || progressRetention.isZero()) {
            throw new IllegalArgumentException("progressRetention must be positive, got " + progressRetention);
        }
    }

    public TopologySettings withWiring(Wiring newWiring) {
        return new TopologySettings(newWiring, batch, maxUpstreamStepTokens, maxCorrectionTokens, progressRetention);
    }

    public TopologySettings withBatch(BatchSettings newBatch) {
        return new TopologySettings(wiring, newBatch, maxUpstreamStepTokens, maxCorrectionTokens, progressRetention);
    }

    public TopologySettings withMaxUpstreamStepTokens(int tokens) {
        return new TopologySettings(wiring, batch, tokens, maxCorrectionTokens, progressRetention);
    }

    public TopologySettings withMaxCorrectionTokens(int tokens) {
        return new TopologySettings(wiring, batch, maxUpstreamStepTokens, tokens, progressRetention);
    }

    public TopologySettings withProgressRetention(Duration retention) {
        return new TopologySettings(wiring, batch, maxUpstreamStepTokens, maxCorrectionTokens, retention);
    }
}
