package io.streamaligner.topology.error;

/**
 * A failure the user can fix: a bad setting, a busy port, an unreadable file, a model folder that is not one, a
 * broker that cannot be reached, an answer that did not come. The message says what is wrong in one line.
 */
public class UserFixableException extends StreamAlignerException {

    public UserFixableException(String message) {
        super(message);
    }

    public UserFixableException(String message, Throwable cause) {
        super(message, cause);
    }
}
