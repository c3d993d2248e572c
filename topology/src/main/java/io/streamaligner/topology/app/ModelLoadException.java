package io.streamaligner.topology.app;

import io.streamaligner.topology.error.UserFixableException;

/** A configured model cannot be loaded: its folder is missing or malformed, or its execution provider cannot load. */
public class ModelLoadException extends UserFixableException {

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
