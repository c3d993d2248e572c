package io.streamaligner.schemas.serde;

/** Well-formed single-object encoding whose writer-schema fingerprint this reader does not know. */
public final class UnknownSchemaException extends RecordDecodingException {

    private static final long serialVersionUID = 1L;

    private final long fingerprint;

    public UnknownSchemaException(String recordName, long fingerprint, Throwable cause) {
        super(String.format("unknown writer schema fingerprint %016x for %s", fingerprint, recordName), cause);
        this.fingerprint = fingerprint;
    }

    /** The CRC-64-AVRO fingerprint found in the record's header. */
    public long fingerprint() {
        return fingerprint;
    }

    @Override
    public String reason() {
        return "UNKNOWN_SCHEMA";
    }
}
