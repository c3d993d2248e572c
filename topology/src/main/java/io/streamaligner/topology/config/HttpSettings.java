package io.streamaligner.topology.config;

import io.streamaligner.inference.http.ApiKey;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The application's own HTTP port ({@code streamaligner.http.*}): metrics and health checks, the alignment gateway
 * ({@code /v1/*}) and the web view. Off unless a port is set.
 *
 * @param port         the port, 0 for a free one; empty: no HTTP server
 * @param host         the address to bind, the loopback interface unless set
 * @param apiKey       when present, every {@code /v1/*} request needs {@code Authorization: Bearer KEY}
 * @param corsOrigins  the origins ({@code https://app.example.com}, or {@code *}) whose pages may call {@code /v1/*}
 *                     from a browser; none unless set
 * @param maxStreams   event streams served at once ({@code POST /v1/align} and replays); one more is answered 503
 * @param keptRequests requests whose events the gateway keeps for replay, the oldest finished one dropped first; when
 *                     every kept request is still running, a new one is answered 503
 */
public record HttpSettings(OptionalInt port, String host, ApiKey apiKey, List<String> corsOrigins, int maxStreams,
                           int keptRequests) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_MAX_STREAMS = 64;
    public static final int DEFAULT_KEPT_REQUESTS = 1000;
    public static final HttpSettings OFF = new HttpSettings(OptionalInt.empty(), DEFAULT_HOST, ApiKey.NONE, List.of(),
            DEFAULT_MAX_STREAMS, DEFAULT_KEPT_REQUESTS);

    public HttpSettings {
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(apiKey, "apiKey");
        corsOrigins = List.copyOf(Objects.requireNonNull(corsOrigins, "corsOrigins"));
        if (port.isPresent() && (port.getAsInt() < 0 || port.getAsInt() > 65_535)) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port.getAsInt());
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        corsOrigins.forEach(HttpSettings::checkOrigin);
        if (maxStreams <= 0) {
            throw new IllegalArgumentException("max-streams must be positive, was " + maxStreams);
        }
        if (keptRequests <= 0) {
            throw new IllegalArgumentException("kept-requests must be positive, was " + keptRequests);
        }
    }

    public HttpSettings withPort(int newPort) {
        return new HttpSettings(OptionalInt.of(newPort), host, apiKey, corsOrigins, maxStreams, keptRequests);
    }

    /** Origins as a comma-separated setting gives them: {@code https://a.example, http://localhost:5173}. */
    static List<String> parseOrigins(String value) {
        return List.of(value.split(",")).stream().map(String::strip).filter(origin -> !origin.isEmpty()).toList();
    }

    /** An origin is what a browser sends in {@code Origin}: scheme, host and port, nothing after. */
    private static void checkOrigin(String origin) {
        if (origin.equals("*")) {
            return;
        }
        URI uri;
        try {
            uri = URI.create(origin);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cors-origins: '" + origin + "' is not an origin such as https://app.example.com");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean bare = uri.getRawPath() == null || uri.getRawPath().isEmpty();
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || !bare
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("cors-origins: '" + origin + "' is not an origin such as "
                    + "https://app.example.com (scheme, host and port, no path), nor *");
        }
    }
}
