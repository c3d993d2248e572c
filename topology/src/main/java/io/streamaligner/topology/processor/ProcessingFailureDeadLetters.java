package io.streamaligner.topology.processor;

import io.streamaligner.topology.metrics.LoopMetrics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The last net under the processors ({@code processing.exception.handler}): an exception that no processor turned into
 * its request's error events would otherwise kill the stream thread, and the record that caused it would kill the
 * replacement too. Instead the source record that led to it goes to the dead-letter topic
 * ({@code errors.dead.letter.queue.topic.name}) as it was read, with reason {@value #REASON_PROCESSING_FAILED}, the
 * exception as the message and its source in the same headers {@link RecordDecoder} writes, and processing goes on.
 * A failure in a punctuator has no source record; it is logged.
 */
public final class ProcessingFailureDeadLetters implements ProcessingExceptionHandler {

    public static final String REASON_PROCESSING_FAILED = "PROCESSING_FAILED";
    public static final String HEADER_PROCESSOR = "dead-letter.processor";

    private static final Logger LOG = LoggerFactory.getLogger(ProcessingFailureDeadLetters.class);

    /** The Streams property under which the application hands its {@link LoopMetrics} to this handler. */
    public static final String METRICS_CONFIG = "streamaligner.internal.loop-metrics";

    private String deadLetterTopic = "";
    private LoopMetrics metrics = LoopMetrics.none();

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        deadLetterTopic = topic == null ? "" : topic.toString();
        if (configs.get(METRICS_CONFIG) instanceof LoopMetrics given) {
            metrics = given;
        }
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (record == null || deadLetterTopic.isEmpty() || context.sourceRawValue() == null && context.sourceRawKey() == null) {
            LOG.error("processor {} of task {} failed outside a record; going on", context.processorNodeId(),
                    context.taskId(), exception);
            return Response.resume();
        }
        LOG.error("processor {} failed on {}-{}@{}; the record goes to {}", context.processorNodeId(), context.topic(),
                context.partition(), context.offset(), deadLetterTopic, exception);
        Headers headers = new RecordHeaders(context.headers().toArray());
        headers.add(RecordDecoder.HEADER_REASON, utf8(REASON_PROCESSING_FAILED));
        headers.add(RecordDecoder.HEADER_MESSAGE, utf8(DeadLetterSizes.message(exception.getClass().getSimpleName() + ": "
                + exception.getMessage())));
        headers.add(RecordDecoder.HEADER_TOPIC, utf8(String.valueOf(context.topic())));
        headers.add(RecordDecoder.HEADER_PARTITION, utf8(Integer.toString(context.partition())));
        headers.add(RecordDecoder.HEADER_OFFSET, utf8(Long.toString(context.offset())));
        headers.add(HEADER_PROCESSOR, utf8(context.processorNodeId()));
        metrics.deadLettered(REASON_PROCESSING_FAILED);
        byte[] value = DeadLetterSizes.value(context.sourceRawValue(), headers);
        return Response.resume(List.of(new ProducerRecord<>(deadLetterTopic, null,
                DeadLetterSizes.key(context.sourceRawKey()), value, headers)));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
