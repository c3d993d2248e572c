package io.streamaligner.topology.processor;

import io.streamaligner.loop.AlignmentLoop;
import io.streamaligner.loop.Transition;
import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.AlignmentRequest;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.util.Objects;

/**
 * Admits a new request into the loop ({@link AlignmentLoop#admit}): a valid {@link AlignmentRequest} goes on as round
 * 0 to the upstream step; an invalid one is answered at once with the loop's error and final events.
 */
public final class RequestIntake implements Processor<String, AlignmentRequest, String, Object> {

    private final AlignmentLoop loop;
    private final String upstreamChild;
    private final String responsesChild;
    private ProcessorContext<String, Object> context;

    public RequestIntake(AlignmentLoop loop, String upstreamChild, String responsesChild) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.upstreamChild = Objects.requireNonNull(upstreamChild, "upstreamChild");
        this.responsesChild = Objects.requireNonNull(responsesChild, "responsesChild");
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, AlignmentRequest> record) {
        long now = context.currentSystemTimeMs();
        Transition<AlignedPrefix> admitted = loop.admit(record.key(), record.value(), now);
        Responses.forward(context, admitted.events(), responsesChild, now);
        admitted.next().ifPresent(roundZero -> context.forward(new Record<>(record.key(), roundZero, now), upstreamChild));
    }
}
