package io.streamaligner.schemas.serde;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Avro single-object encoding ({@code C3 01}, 8-byte little-endian CRC-64-AVRO fingerprint of the writer
 * schema, binary body) for one generated record class, usable as a Kafka {@link Serde} and from plain code
 * ({@link #encode}, {@link #decode}).
 *
 * <p>Writes with the current schema; reads the current schema and every older version kept by
 * {@link SchemaHistory}, filling fields the writer lacked with their defaults. Unreadable bytes raise a
 * {@link RecordDecodingException}: {@link UnknownSchemaException} for an unknown fingerprint,
 * {@link MalformedRecordException} for anything else. Thread-safe.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private static final int HEADER_LENGTH = 10;

    static {
        RecordClassTrust.install();
    }

    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    private AvroSerde(Class<T> recordClass) {
        SpecificData model = SpecificData.getForClass(recordClass);
        this.schema = model.getSchema(recordClass);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema, SchemaHistory.storeFor(schema));
    }

    /** A serde for a generated record class, e.g. {@code AvroSerde.of(AlignmentRequest.class)}. */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> recordClass) {
        return new AvroSerde<>(Objects.requireNonNull(recordClass, "recordClass"));
    }

    public Schema schema() {
        return schema;
    }

    /** The record's single-object encoding. */
    public byte[] encode(T record) {
        Objects.requireNonNull(record, "record");
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(128);
            encoder.encode(record, out);
            return out.toByteArray();
        } catch (IOException | AvroRuntimeException e) {
            throw new SerializationException("cannot encode " + schema.getFullName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a single-object-encoded record.
     *
     * @throws UnknownSchemaException   the writer schema's fingerprint is neither current nor kept in history
     * @throws MalformedRecordException the bytes are not a single-object-encoded record of this type
     */
    public T decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        try {
            return decoder.decode(bytes);
        } catch (MissingSchemaException e) {
            throw new UnknownSchemaException(schema.getFullName(), fingerprintOf(bytes), e);
        } catch (BadHeaderException e) {
            throw new MalformedRecordException("not single-object encoded (" + e.getMessage() + "), "
                    + bytes.length + " bytes", e);
        } catch (IOException | RuntimeException e) {
            // truncated body (EOF), corrupt lengths or union indexes, strings past Avro's limits
            throw new MalformedRecordException("corrupt " + schema.getFullName() + " body: " + e, e);
        }
    }

    private static long fingerprintOf(byte[] bytes) {
        return bytes.length < HEADER_LENGTH ? 0 : ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, record) -> record == null ? null : encode(record);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }
}
