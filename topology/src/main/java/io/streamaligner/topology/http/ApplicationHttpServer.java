package io.streamaligner.topology.http;

import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The application's own HTTP port ({@code streamaligner.http.port}, {@code run --http-port P}): one small Jetty server
 * that serves whatever routes it is given — metrics and health checks today ({@link MetricsEndpoint},
 * {@link HealthEndpoint}), other views beside them later. Each route is a path spec ({@code /metrics},
 * {@code /events/*}) with its Jetty {@link Handler}; a path no route takes is answered 404. It binds the loopback
 * interface unless told otherwise: nothing it serves is meant for the open network without a proxy in front.
 *
 * <pre>{@code
 * try (ApplicationHttpServer http = ApplicationHttpServer.builder("127.0.0.1", 0)
 *         .route("/metrics", new MetricsEndpoint(registry)).start()) {
 *     System.out.println(http.baseUrl() + "/metrics");
 * }
 * }</pre>
 */
public final class ApplicationHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApplicationHttpServer.class);

    private final Server jetty;
    private final ServerConnector connector;
    private final String host;

    private ApplicationHttpServer(Server jetty, ServerConnector connector, String host) {
        this.jetty = jetty;
        this.connector = connector;
        this.host = host;
    }

    /** A server for {@code host}:{@code port} (0: a free port), its routes to add before {@link Builder#start()}. */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    /** Collects the routes, then starts the server. */
    public static final class Builder {

        private final String host;
        private final int port;
        private final Map<String, Handler> routes = new LinkedHashMap<>();

        private Builder(String host, int port) {
            this.host = Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            this.port = port;
        }

        /** Serves {@code pathSpec} ({@code /exact}, {@code /prefix/*}) with {@code handler}; each spec once. */
        public Builder route(String pathSpec, Handler handler) {
            Objects.requireNonNull(pathSpec, "pathSpec");
            Objects.requireNonNull(handler, "handler");
            if (routes.putIfAbsent(pathSpec, handler) != null) {
                throw new IllegalArgumentException("route " + pathSpec + " is already taken");
            }
            return this;
        }

        /**
         * Starts serving; returns once the port accepts connections.
         *
         * @throws HttpServerStartException when the address cannot be bound (a port in use, an unknown host)
         */
        public ApplicationHttpServer start() {
            QueuedThreadPool threads = new QueuedThreadPool(16, 2);
            threads.setName("stream-aligner-http");
            Server jetty = new Server(threads);
            HttpConfiguration http = new HttpConfiguration();
            http.setSendServerVersion(false);
            ServerConnector connector = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(http));
            connector.setHost(host);
            connector.setPort(port);
            jetty.addConnector(connector);
            PathMappingsHandler mappings = new PathMappingsHandler();
            routes.forEach((spec, handler) -> mappings.addMapping(PathSpec.from(spec), handler));
            jetty.setHandler(mappings);
            try {
                jetty.start();
            } catch (Exception e) {
                try {
                    jetty.stop();
                } catch (Exception stopFailure) {
                    e.addSuppressed(stopFailure);
                }
                throw new HttpServerStartException("cannot serve HTTP on " + host + ":" + port + ": " + rootMessage(e), e);
            }
            ApplicationHttpServer server = new ApplicationHttpServer(jetty, connector, host);
            LOG.info("serving {} on {}", routes.keySet(), server.baseUrl());
            return server;
        }
    }

    /** The port it listens on (the one picked when 0 was asked for). */
    public int port() {
        return connector.getLocalPort();
    }

    /** {@code http://HOST:PORT}. */
    public String baseUrl() {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("stopping the HTTP server failed: {}", e.toString());
        }
    }

    private static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }
}
