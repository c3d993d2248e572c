package io.streamaligner.topology.error;

/**
 * The base of the application's own exceptions. Those the user can fix are {@link UserFixableException}s; the
 * command line ends them with a one-line message, anything else is a bug and keeps its stack trace. Exceptions of
 * the libraries below the application (the client's, the inference engine's) are turned into one of these where the
 * application calls them.
 */
public class StreamAlignerException extends RuntimeException {

    public StreamAlignerException(String message) {
        super(message);
    }

    public StreamAlignerException(String message, Throwable cause) {
        super(message, cause);
    }
}
