package io.streamaligner.topology.app;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamaligner.topology.http.HealthEndpoint;
import io.streamaligner.topology.metrics.LoopMetrics;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an application instance tells about itself: its meters (the loop's {@link LoopMetrics}, Kafka Streams' and the
 * JVM's, bound through Micrometer's binders into one Prometheus registry) and its health, which the HTTP port serves
 * when one is configured ({@link ApplicationPort}):
 * <ul>
 *   <li>{@code /metrics}: the registry in Prometheus' text format;</li>
 *   <li>{@code /health/live}: UP while the process serves and Kafka Streams has not failed;</li>
 *   <li>{@code /health/ready}: UP once the models are loaded and Kafka Streams is RUNNING (not while it starts,
 *       rebalances or stops), with the tasks this instance runs.</li>
 * </ul>
 * Started before the models load, so that a probe sees the instance come up; closed after Kafka Streams.
 */
public final class ApplicationMonitoring implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final LoopMetrics loopMetrics = new LoopMetrics(registry);
    private final List<AutoCloseable> binders = new ArrayList<>();
    private volatile boolean modelsLoaded;
    private volatile KafkaStreams streams;

    private ApplicationMonitoring() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        binders.add(gc);
    }

    /** Starts monitoring: the JVM's meters from now on, the loop's and Kafka Streams' once they run. */
    public static ApplicationMonitoring start() {
        return new ApplicationMonitoring();
    }

    /** The loop's meters, for the topology's processors. */
    public LoopMetrics loopMetrics() {
        return loopMetrics;
    }

    /** Every meter: the loop's, Kafka Streams' and the JVM's. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    void modelsLoaded() {
        modelsLoaded = true;
    }

    /** Binds Kafka Streams' own metrics and lets the health checks read its state. */
    void watch(KafkaStreams kafkaStreams) {
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(kafkaStreams);
        streamsMetrics.bindTo(registry);
        binders.add(streamsMetrics);
        streams = kafkaStreams;
    }

    HealthEndpoint.Check liveness() {
        KafkaStreams watched = streams;
        KafkaStreams.State state = watched == null ? null : watched.state();
        boolean failed = state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR;
        return new HealthEndpoint.Check(!failed, Map.of("streams", state == null ? "NOT_STARTED" : state.name()));
    }

    HealthEndpoint.Check readiness() {
        KafkaStreams watched = streams;
        KafkaStreams.State state = watched == null ? null : watched.state();
        List<String> activeTasks = new ArrayList<>();
        if (state == KafkaStreams.State.RUNNING) {
            for (ThreadMetadata thread : watched.metadataForLocalThreads()) {
                thread.activeTasks().forEach(task -> activeTasks.add(task.taskId().toString()));
            }
            activeTasks.sort(null);
        }
        return new HealthEndpoint.Check(modelsLoaded && state == KafkaStreams.State.RUNNING, Map.of(
                "streams", state == null ? "NOT_STARTED" : state.name(),
                "models", modelsLoaded ? "loaded" : "loading",
                "activeTasks", activeTasks));
    }

    /** Stops the binders that hold resources. */
    @Override
    public void close() {
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception ignored) {
                // nothing to do about a meter that cannot stop
            }
        }
        registry.close();
    }
}
