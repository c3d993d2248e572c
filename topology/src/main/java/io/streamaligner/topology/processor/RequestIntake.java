package io.streamaligner.topology.processor;

import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AlignmentStage;
import io.streamaligner.schemas.AnswerFinishReason;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.util.Objects;

/**
 * Admits a new request into the loop: a valid {@link AlignmentRequest} becomes round 0 of the loop, an
 * {@link AlignedPrefix} with an empty prefix, for the upstream step; an invalid one is answered at once with an
 * error event and a final event (finish reason ERROR, no rounds).
 */
public final class RequestIntake implements Processor<String, AlignmentRequest, String, Object> {

    private final String upstreamChild;
    private final String responsesChild;
    private ProcessorContext<String, Object> context;

    public RequestIntake(String upstreamChild, String responsesChild) {
        this.upstreamChild = Objects.requireNonNull(upstreamChild, "upstreamChild");
        this.responsesChild = Objects.requireNonNull(responsesChild, "responsesChild");
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, AlignmentRequest> record) {
        AlignmentRequest request = record.value();
        long now = context.currentSystemTimeMs();
        AlignedPrefix roundZero = AlignedPrefix.newBuilder()
                .setRequest(request)
                .setAlignedPrefix("")
                .setRound(0)
                .setStartedAtMs(now)
                .build();
        try {
            LoopRules.validateRequest(record.key(), request);
        } catch (IllegalArgumentException invalid) {
            context.forward(record.withValue(ResponseEvents.error(record.key(), AlignmentStage.REQUEST, 0, invalid))
                    .withTimestamp(now), responsesChild);
            context.forward(record.withValue(ResponseEvents.answerFinal(record.key(), roundZero, AnswerFinishReason.ERROR, now))
                    .withTimestamp(now), responsesChild);
            return;
        }
        context.forward(record.withValue(roundZero).withTimestamp(now), upstreamChild);
    }
}
