package io.streamaligner.topology.processor;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessingFailureDeadLettersTest {

    private final ProcessingFailureDeadLetters handler = new ProcessingFailureDeadLetters();

    @Test
    void shouldSendTheSourceRecordToTheDeadLetterTopicWithTheReasonAndGoOn() {
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "sa.dead-letter"));

        ProcessingExceptionHandler.Response response = handler.handleError(context("k".getBytes(StandardCharsets.UTF_8),
                new byte[] {1, 2}), new Record<>("k", "v", 0), new IllegalStateException("broken state"));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        ProducerRecord<byte[], byte[]> dead = response.deadLetterQueueRecords().get(0);
        assertThat(dead.topic()).isEqualTo("sa.dead-letter");
        assertThat(dead.value()).containsExactly(1, 2);
        assertThat(header(dead.headers(), RecordDecoder.HEADER_REASON)).isEqualTo("PROCESSING_FAILED");
        assertThat(header(dead.headers(), RecordDecoder.HEADER_MESSAGE)).isEqualTo("IllegalStateException: broken state");
        assertThat(header(dead.headers(), RecordDecoder.HEADER_TOPIC)).isEqualTo("sa.feedback");
        assertThat(header(dead.headers(), RecordDecoder.HEADER_OFFSET)).isEqualTo("17");
        assertThat(header(dead.headers(), ProcessingFailureDeadLetters.HEADER_PROCESSOR)).isEqualTo("segmenter");
        assertThat(header(dead.headers(), "trace")).as("the record's own headers kept").isEqualTo("t1");
    }

    @Test
    void shouldCutARecordTooLargeToSendWithItsHeadersAndSayHowLargeItWas() {
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "dead-letter"));
        byte[] nearlyOneMegabyte = new byte[1024 * 1024 - 100];
        byte[] longKey = new byte[64 * 1024];

        ProcessingExceptionHandler.Response response = handler.handleError(context(longKey, nearlyOneMegabyte),
                new Record<>("k", "v", 0), new IllegalStateException("x".repeat(100_000)));

        ProducerRecord<byte[], byte[]> dead = response.deadLetterQueueRecords().get(0);
        assertThat(dead.value()).hasSize(DeadLetterSizes.MAX_VALUE_BYTES);
        assertThat(dead.key()).hasSize(DeadLetterSizes.MAX_KEY_BYTES);
        assertThat(header(dead.headers(), DeadLetterSizes.HEADER_VALUE_BYTES)).isEqualTo(String.valueOf(1024 * 1024 - 100));
        assertThat(header(dead.headers(), RecordDecoder.HEADER_MESSAGE)).hasSizeLessThan(DeadLetterSizes.MAX_MESSAGE_CHARS + 10);
        assertThat(header(dead.headers(), RecordDecoder.HEADER_OFFSET)).as("where the whole record is").isEqualTo("17");
    }

    @Test
    void shouldGoOnAfterAPunctuatorFailedWithNoRecordToSend() {
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "dead-letter"));

        ProcessingExceptionHandler.Response response = handler.handleError(context(null, null), null,
                new IllegalStateException("tick failed"));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static ErrorHandlerContext context(byte[] key, byte[] value) {
        Headers headers = new RecordHeaders().add("trace", "t1".getBytes(StandardCharsets.UTF_8));
        return new ErrorHandlerContext() {
            @Override public String topic() { return "sa.feedback"; }
            @Override public int partition() { return 2; }
            @Override public long offset() { return 17; }
            @Override public Headers headers() { return headers; }
            @Override public String processorNodeId() { return "segmenter"; }
            @Override public TaskId taskId() { return new TaskId(0, 2); }
            @Override public long timestamp() { return 0; }
            @Override public byte[] sourceRawKey() { return key; }
            @Override public byte[] sourceRawValue() { return value; }
        };
    }
}
