package io.streamaligner.topology.app;

import io.streamaligner.topology.error.UserFixableException;

/**
 * The application could not start: its topics cannot be created or do not fit the loop, or Kafka Streams did not
 * reach RUNNING. The message says which; the cause, when there is one, says why.
 */
public class ApplicationStartException extends UserFixableException {

    public ApplicationStartException(String message) {
        super(message);
    }

    public ApplicationStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
