package io.streamaligner.topology;

import io.streamaligner.loop.LoopLimits;
import io.streamaligner.topology.processor.InferenceSettings;

import java.time.Duration;
import java.util.Objects;

/**
 * How the loop's topology is built and how much work one model call may take; the application builds it from
 * its configuration ({@code streamaligner.topology.wiring}, {@code streamaligner.inference.*}, the token caps and
 * the progress retention).
 *
 * @param wiring            in-memory hops (default) or every hop through its topic
 * @param inference         how model calls run: in flight at most, punctuation, deadlines, retries
 * @param limits            caps on one upstream step and one correction, whatever a request asks
 * @param progressRetention how long the aligner remembers a request after its last round (to drop replays)
 */
public record TopologySettings(Wiring wiring, InferenceSettings inference, LoopLimits limits, Duration progressRetention) {

    public static final Duration DEFAULT_PROGRESS_RETENTION = Duration.ofMinutes(10);

    public static final TopologySettings DEFAULTS =
            new TopologySettings(Wiring.IN_MEMORY, InferenceSettings.DEFAULTS, LoopLimits.DEFAULTS, DEFAULT_PROGRESS_RETENTION);

    public TopologySettings {
        Objects.requireNonNull(wiring, "wiring");
        Objects.requireNonNull(inference, "inference");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(progressRetention, "progressRetention");
        if (progressRetention.isNegative() || progressRetention.isZero()) {
            throw new IllegalArgumentException("progressRetention must be positive, got " + progressRetention);
        }
    }

    public TopologySettings withWiring(Wiring newWiring) {
        return new TopologySettings(newWiring, inference, limits, progressRetention);
    }

    public TopologySettings withInference(InferenceSettings newInference) {
        return new TopologySettings(wiring, newInference, limits, progressRetention);
    }

    public TopologySettings withLimits(LoopLimits newLimits) {
        return new TopologySettings(wiring, inference, newLimits, progressRetention);
    }
}
