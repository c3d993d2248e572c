package io.streamaligner.topology.processor;

import io.streamaligner.schemas.serde.RecordDecodingException;
import io.streamaligner.topology.metrics.LoopMetrics;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads a source topic's bytes as records: a readable record goes on to the value child; an unreadable one
 * (unknown schema, malformed bytes, no key, no value) goes unchanged to the dead-letter child, with the reason
 * and its source topic, partition and offset in headers. Decoding here rather than in the source keeps one bad
 * record from stopping the application and makes the routing a visible part of the topology.
 */
public final class RecordDecoder<V> implements Processor<String, byte[], String, Object> {

    public static final String HEADER_REASON = "dead-letter.reason";
    public static final String HEADER_MESSAGE = "dead-letter.message";
    public static final String HEADER_TOPIC = "dead-letter.source.topic";
    public static final String HEADER_PARTITION = "dead-letter.source.partition";
    public static final String HEADER_OFFSET = "dead-letter.source.offset";

    public static final String REASON_NO_KEY = "NO_KEY";
    public static final String REASON_NO_VALUE = "NO_VALUE";
    /** A deserializer failure other than a {@link RecordDecodingException}. */
    public static final String REASON_UNREADABLE = "UNREADABLE";
    /** The reasons this class names itself; a decoder's own reasons ({@code MALFORMED}, …) come from its exceptions. */
    public static final List<String> OWN_REASONS = List.of(REASON_NO_KEY, REASON_NO_VALUE, REASON_UNREADABLE);

    private final Deserializer<V> deserializer;
    private final String valueChild;
    private final String deadLetterChild;
    private final LoopMetrics metrics;
    private ProcessorContext<String, Object> context;

    public RecordDecoder(Deserializer<V> deserializer, String valueChild, String deadLetterChild, LoopMetrics metrics) {
        this.deserializer = Objects.requireNonNull(deserializer, "deserializer");
        this.valueChild = Objects.requireNonNull(valueChild, "valueChild");
        this.deadLetterChild = Objects.requireNonNull(deadLetterChild, "deadLetterChild");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            deadLetter(record, REASON_NO_KEY, "records are keyed by request id; this one has no key");
            return;
        }
        if (record.value() == null) {
            deadLetter(record, REASON_NO_VALUE, "the record has no value");
            return;
        }
        V value;
        try {
            value = deserializer.deserialize(sourceTopic(), record.headers(), record.value());
        } catch (SerializationException unreadable) {
            String reason = unreadable instanceof RecordDecodingException typed ? typed.reason() : REASON_UNREADABLE;
            deadLetter(record, reason, String.valueOf(unreadable.getMessage()));
            return;
        }
        context.forward(record.withValue(value), valueChild);
    }

    private String sourceTopic() {
        return context.recordMetadata().map(RecordMetadata::topic).orElse(null);
    }

    private void deadLetter(Record<String, byte[]> record, String reason, String message) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.add(HEADER_REASON, utf8(reason));
        headers.add(HEADER_MESSAGE, utf8(DeadLetterSizes.message(message)));
        Optional<RecordMetadata> source = context.recordMetadata();
        source.ifPresent(metadata -> {
            headers.add(HEADER_TOPIC, utf8(metadata.topic()));
            headers.add(HEADER_PARTITION, utf8(Integer.toString(metadata.partition())));
            headers.add(HEADER_OFFSET, utf8(Long.toString(metadata.offset())));
        });
        byte[] value = DeadLetterSizes.value(record.value(), headers);
        context.forward(record.withKey(DeadLetterSizes.key(record.key())).withValue(value).withHeaders(headers),
                deadLetterChild);
        metrics.deadLettered(reason);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
