package io.streamaligner.topology.config;

import io.streamaligner.topology.error.UserFixableException;

/** A setting is missing, malformed or unknown, or a configuration file cannot be read. */
public class ConfigurationException extends UserFixableException {

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
