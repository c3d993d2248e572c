package io.streamaligner.topology;

import io.streamaligner.loop.LoopLimits;
import io.streamaligner.topology.processor.BatchSettings;

import java.time.Duration;
import java.util.Objects;

/**
 * How the loop's topology is built and how much work one model call may take; the application builds it from
 * its configuration ({@code streamaligner.topology.wiring}, {@code streamaligner.inference.*}, the token caps and
 * the progress retention).
 *
 * <p>One batch costs about {@code maxBatchSize} requests × the step's token cap in model time; keep that well
 * under the 10 s transaction timeout of exactly-once processing (and {@code max.poll.interval.ms}).
 *
 * @param wiring            in-memory hops (default) or every hop through its topic
 * @param batch             batching of model calls, shared by the upstream step and the aligner
 * @param limits            caps on one upstream step and one correction, whatever a request asks
 * @param progressRetention how long the aligner remembers a request after its last round (to drop replays)
 */
public record TopologySettings(Wiring wiring, BatchSettings batch, LoopLimits limits, Duration progressRetention) {

    public static final Duration DEFAULT_PROGRESS_RETENTION = Duration.ofMinutes(10);

    public static final TopologySettings DEFAULTS =
            new TopologySettings(Wiring.IN_MEMORY, BatchSettings.DEFAULTS, LoopLimits.DEFAULTS, DEFAULT_PROGRESS_RETENTION);

    public TopologySettings {
        Objects.requireNonNull(wiring, "wiring");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(progressRetention, "progressRetention");
        if (progressRetention.isNegative() || progressRetention.isZero()) {
            throw new IllegalArgumentException("progressRetention must be positive, got " + progressRetention);
        }
    }

    public TopologySettings withWiring(Wiring newWiring) {
        return new TopologySettings(newWiring, batch, limits, progressRetention);
    }

    public TopologySettings withBatch(BatchSettings newBatch) {
        return new TopologySettings(wiring, newBatch, limits, progressRetention);
    }

    public TopologySettings withLimits(LoopLimits newLimits) {
        return new TopologySettings(wiring, batch, newLimits, progressRetention);
    }
}
