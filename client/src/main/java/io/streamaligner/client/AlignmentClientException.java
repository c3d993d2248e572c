package io.streamaligner.client;

/** The client cannot reach the loop's topics, could not send a request, or was closed before its answer came. */
public class AlignmentClientException extends RuntimeException {

    public AlignmentClientException(String message) {
        super(message);
    }

    public AlignmentClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
