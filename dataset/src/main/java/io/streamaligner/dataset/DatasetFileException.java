package io.streamaligner.dataset;

/** A dataset or rejects file that cannot be read, resumed or written; the message says which file and why. */
public final class DatasetFileException extends RuntimeException {

    public DatasetFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
