package io.streamaligner.topology.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamaligner.server.Json;
import io.streamaligner.topology.metrics.LoopFigures;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code GET /v1/loop}: the figures the web view's panel shows, from the loop's meters ({@link LoopFigures}) and the
 * gateway's streams:
 * <pre>{@code
 * {"requests_in_flight": 3, "rounds_per_second": 41.5,
 *  "round_p50_ms": {"upstream": 14.2, "aligner": 6.1, "kafka": 9.0}, "streams_open": 2, "streams_max": 64}
 * }</pre>
 * Rounds per second are counted between two looks at least a second apart (the page looks every second), so every
 * caller sees the same figure.
 */
final class LoopPanel {

    private static final long MIN_SAMPLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Supplier<LoopFigures> figures;
    private final AlignGateway gateway;
    private long sampledAtNanos;
    private long sampledRounds;
    private double roundsPerSecond;

    LoopPanel(Supplier<LoopFigures> figures, AlignGateway gateway) {
        this.figures = Objects.requireNonNull(figures, "figures");
        this.gateway = Objects.requireNonNull(gateway, "gateway");
    }

    synchronized ObjectNode now() {
        LoopFigures now = figures.get();
        long nowNanos = System.nanoTime();
        if (sampledAtNanos == 0) {
            sampledAtNanos = nowNanos;
            sampledRounds = now.roundsAligned();
        } else if (nowNanos - sampledAtNanos >= MIN_SAMPLE_NANOS) {
            roundsPerSecond = (now.roundsAligned() - sampledRounds) * 1e9 / (nowNanos - sampledAtNanos);
            sampledAtNanos = nowNanos;
            sampledRounds = now.roundsAligned();
        }
        ObjectNode panel = Json.MAPPER.createObjectNode();
        panel.put("requests_in_flight", now.requestsInFlight());
        panel.put("rounds_per_second", Math.round(roundsPerSecond * 10) / 10.0);
        ObjectNode p50 = panel.putObject("round_p50_ms");
        p50.put("upstream", Math.round(now.upstreamP50Ms() * 10) / 10.0);
        p50.put("aligner", Math.round(now.alignerP50Ms() * 10) / 10.0);
        p50.put("kafka", Math.round(now.kafkaP50Ms() * 10) / 10.0);
        panel.put("streams_open", gateway.openStreams());
        panel.put("streams_max", gateway.maxStreams());
        return panel;
    }
}
