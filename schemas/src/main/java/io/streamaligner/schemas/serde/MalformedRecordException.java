package io.streamaligner.schemas.serde;

/** Bytes that are not a single-object-encoded Avro record: bad header, truncated or corrupt body. */
public final class MalformedRecordException extends RecordDecodingException {

    private static final long serialVersionUID = 1L;

    public MalformedRecordException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String reason() {
        return "MALFORMED";
    }
}
