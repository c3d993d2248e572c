package io.streamaligner.topology.http;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApplicationHttpServerTest {

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void shouldServeEachRouteAndAnswer404ElsewhereAnd405ToOtherMethods() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("streamaligner.test.hits").increment();
        AtomicBoolean ready = new AtomicBoolean(false);
        try (ApplicationHttpServer server = ApplicationHttpServer.builder("127.0.0.1", 0)
                .route("/metrics", new MetricsEndpoint(registry))
                .route("/health/ready", new HealthEndpoint(() -> new HealthEndpoint.Check(ready.get(),
                        Map.of("streams", ready.get() ? "RUNNING" : "REBALANCING", "activeTasks", List.of("0_1")))))
                .start()) {
            HttpResponse<String> metrics = get(server, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValue(MetricsEndpoint.PROMETHEUS_TEXT);
            assertThat(metrics.body()).contains("streamaligner_test_hits_total 1.0");

            HttpResponse<String> notReady = get(server, "/health/ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).isEqualTo("{\"status\":\"DOWN\",\"activeTasks\":[\"0_1\"],\"streams\":\"REBALANCING\"}");
            ready.set(true);
            assertThat(get(server, "/health/ready").statusCode()).isEqualTo(200);
            assertThat(get(server, "/health/ready").body()).startsWith("{\"status\":\"UP\"");

            assertThat(get(server, "/nothing").statusCode()).isEqualTo(404);
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        }
    }

    @Test
    void shouldSayWhichPortIsTaken() {
        try (ApplicationHttpServer first = ApplicationHttpServer.builder("127.0.0.1", 0).start()) {
            assertThatThrownBy(() -> ApplicationHttpServer.builder("127.0.0.1", first.port()).start())
                    .isInstanceOf(HttpServerStartException.class)
                    .hasMessageStartingWith("cannot serve HTTP on 127.0.0.1:" + first.port());
        }
    }

    @Test
    void shouldRefuseARouteTakenTwice() {
        ApplicationHttpServer.Builder builder = ApplicationHttpServer.builder("127.0.0.1", 0)
                .route("/metrics", new MetricsEndpoint(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
        assertThatThrownBy(() -> builder.route("/metrics", new MetricsEndpoint(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/metrics");
    }

    private HttpResponse<String> get(ApplicationHttpServer server, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
