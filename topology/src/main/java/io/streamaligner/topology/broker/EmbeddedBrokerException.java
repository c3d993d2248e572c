package io.streamaligner.topology.broker;

import io.streamaligner.topology.error.UserFixableException;

/** The embedded broker could not be set up, started, or asked to create a topic. */
public class EmbeddedBrokerException extends UserFixableException {

    public EmbeddedBrokerException(String message) {
        super(message);
    }

    public EmbeddedBrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
