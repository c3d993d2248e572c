package io.streamaligner.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Bytes that cannot be read as the expected record. A {@link SerializationException}, so Kafka's own
 * deserialization handlers treat it as one; {@link #reason()} is a short, stable code for dead-letter headers.
 */
public abstract class RecordDecodingException extends SerializationException {

    private static final long serialVersionUID = 1L;

    protected RecordDecodingException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A stable, machine-readable code: {@code UNKNOWN_SCHEMA} or {@code MALFORMED}. */
    public abstract String reason();
}
