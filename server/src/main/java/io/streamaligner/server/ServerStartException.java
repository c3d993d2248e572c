package io.streamaligner.server;

/** The server cannot listen where it was asked to: the port is in use, or the host is not an address of this machine. */
public final class ServerStartException extends RuntimeException {

    public ServerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
