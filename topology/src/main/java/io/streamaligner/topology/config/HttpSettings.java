package io.streamaligner.topology.config;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * The application's own HTTP port ({@code streamaligner.http.*}): metrics and health checks, and whatever else is
 * served beside them. Off unless a port is set.
 *
 * @param port the port, 0 for a free one; empty: no HTTP server
 * @param host the address to bind, the loopback interface unless set
 */
public record HttpSettings(OptionalInt port, String host) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final HttpSettings OFF = new HttpSettings(OptionalInt.empty(), DEFAULT_HOST);

    public HttpSettings {
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(host, "host");
        if (port.isPresent() && (port.getAsInt() < 0 || port.getAsInt() > 65_535)) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port.getAsInt());
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
    }

    public HttpSettings withPort(int newPort) {
        return new HttpSettings(OptionalInt.of(newPort), host);
    }
}
