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
 * @param speculate         run the upstream's next step while the aligner corrects the last sentence, as if it were
 *                          unchanged; adopted when it is, cancelled otherwise (answers are the same either way)
 */
public record TopologySettings(Wiring wiring, InferenceSettings inference, LoopLimits limits, Duration progressRetention,
                               boolean speculate) {

    public static final Duration DEFAULT_PROGRESS_RETENTION = Duration.ofMinutes(10);

    public static final TopologySettings DEFAULTS =
            new TopologySettings(Wiring.IN_MEMORY, InferenceSettings.DEFAULTS, LoopLimits.DEFAULTS, DEFAULT_PROGRESS_RETENTION,
                    true);

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
        return new TopologySettings(newWiring, inference, limits, progressRetention, speculate);
    }

    public TopologySettings withInference(InferenceSettings newInference) {
        return new TopologySettings(wiring, newInference, limits, progressRetention, speculate);
    }

    public TopologySettings withLimits(LoopLimits newLimits) {
        return new TopologySettings(wiring, inference, newLimits, progressRetention, speculate);
    }

    public TopologySettings withSpeculation(boolean on) {
        return new TopologySettings(wiring, inference, limits, progressRetention, on);
    }
}
