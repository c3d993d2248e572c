package io.streamaligner.topology.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Objects;

/** {@code GET /metrics}: every meter of the registry in Prometheus' text format, for a Prometheus server to scrape. */
public final class MetricsEndpoint extends GetEndpoint {

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    public MetricsEndpoint(PrometheusMeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    Reply reply() {
        return new Reply(200, PROMETHEUS_TEXT, registry.scrape());
    }
}
