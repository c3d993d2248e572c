package io.streamaligner.topology.http;

import io.streamaligner.topology.error.UserFixableException;

/** The application's HTTP port cannot be served: the port is taken, or the host is not an address of this machine. */
public final class HttpServerStartException extends UserFixableException {

    public HttpServerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
