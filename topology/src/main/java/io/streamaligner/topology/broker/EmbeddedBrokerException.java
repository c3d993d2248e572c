package io.streamaligner.topology.broker;

/** The embedded broker could not be set up, started, or asked to create a topic. */
public class EmbeddedBrokerException extends RuntimeException {

    public EmbeddedBrokerException(String message) {
        super(message);
    }

    public EmbeddedBrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
