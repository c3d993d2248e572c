package io.streamaligner.topology.app;

import io.streamaligner.client.AlignmentClient;
import io.streamaligner.client.AlignmentClient.Subscription;
import io.streamaligner.client.AlignmentRequests;
import io.streamaligner.inference.ModelFolderException;
import io.streamaligner.schemas.GenerationParams;
import io.streamaligner.topology.config.HttpSettings;
import io.streamaligner.topology.config.StreamAlignerConfig;
import io.streamaligner.topology.gateway.AlignGateway;
import io.streamaligner.topology.gateway.GatewayApi;
import io.streamaligner.topology.http.ApplicationHttpServer;
import io.streamaligner.topology.http.HealthEndpoint;
import io.streamaligner.topology.http.MetricsEndpoint;
import io.streamaligner.topology.http.WebPage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Optional;

/**
 * The application's HTTP port ({@code streamaligner.http.port}, {@code run --http-port P}), one
 * {@link ApplicationHttpServer} on 127.0.0.1 unless configured otherwise:
 * <ul>
 *   <li>{@code /metrics}, {@code /health/live}, {@code /health/ready}: the instance's {@link ApplicationMonitoring};</li>
 *   <li>{@code /v1/*}: the alignment gateway ({@link GatewayApi}), behind the API key when one is configured;</li>
 *   <li>{@code /} and {@code /web/*}: the web view ({@link WebPage}).</li>
 * </ul>
 * It starts before the models load, so that a probe sees the instance come up; the gateway takes requests once Kafka
 * Streams runs ({@link #connectGateway}), until the application starts to stop ({@link #closeGateway}).
 */
public final class ApplicationPort implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApplicationPort.class);

    private final ApplicationHttpServer server;
    private final AlignGateway gateway;

    private ApplicationPort(ApplicationHttpServer server, AlignGateway gateway) {
        this.server = server;
        this.gateway = gateway;
    }

    /**
     * Serves the port the configuration names, if it names one.
     *
     * @throws io.streamaligner.topology.http.HttpServerStartException if the port cannot be served
     */
    static Optional<ApplicationPort> start(StreamAlignerConfig config, ApplicationMonitoring monitoring) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(monitoring, "monitoring");
        HttpSettings http = config.http();
        if (http.port().isEmpty()) {
            return Optional.empty();
        }
        AlignGateway gateway = new AlignGateway(http.keptRequests(), http.maxStreams(), defaultGeneration(config),
                config.topology().limits());
        WebPage page = new WebPage();
        ApplicationHttpServer server = ApplicationHttpServer.builder(http.host(), http.port().getAsInt())
                .route("/metrics", new MetricsEndpoint(monitoring.registry()))
                .route("/health/live", new HealthEndpoint(monitoring::liveness))
                .route("/health/ready", new HealthEndpoint(monitoring::readiness))
                .route("/v1/*", new GatewayApi(gateway, http.apiKey().value(), http.corsOrigins(),
                        monitoring.loopMetrics()::figures))
                .route(WebPage.PAGE, page)
                .route(WebPage.ASSETS, page)
                .start();
        return Optional.of(new ApplicationPort(server, gateway));
    }

    /**
     * The gateway takes requests from now on, through a client of the loop's topics on {@code onBroker}'s cluster.
     *
     * @throws io.streamaligner.client.AlignmentClientException if the topics cannot be reached
     */
    void connectGateway(StreamAlignerConfig onBroker) {
        gateway.connect(AlignmentClient.connect(onBroker.kafkaProperties(), onBroker.topicNames(),
                AlignmentClient.DEFAULT_ANSWER_TIMEOUT, Subscription.RESPONSES_AND_UPSTREAM_TOKENS));
    }

    /** The gateway takes no more requests and ends its open streams; metrics and health go on being served. */
    void closeGateway() {
        gateway.close();
    }

    /** {@code http://HOST:PORT}. */
    public String baseUrl() {
        return server.baseUrl();
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        try {
            gateway.close();
        } finally {
            server.close();
        }
    }

    /** What a request that leaves out its sampling gets, as {@code ask} gives it: the upstream's recommendation. */
    private static GenerationParams defaultGeneration(StreamAlignerConfig config) {
        try {
            return UpstreamDefaults.recommended(config, UpstreamDefaults.DEFAULT_SEED);
        } catch (ModelFolderException e) {
            LOG.warn("cannot read the upstream's generation_config.json ({}); the gateway decodes greedily unless asked "
                    + "otherwise", e.getMessage());
            return AlignmentRequests.greedy();
        }
    }
}
