package io.streamaligner.topology.processor;

import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.topology.metrics.LoopMetrics;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.util.List;

/** Forwards the loop's response events to a processor's responses child, keyed by their request, and meters them. */
final class Responses {

    private Responses() {
    }

    static void forward(ProcessorContext<String, Object> context, List<AlignmentResponse> events, String responsesChild,
                        long nowMs, LoopMetrics metrics) {
        for (AlignmentResponse event : events) {
            context.forward(new Record<>(event.getRequestId(), event, nowMs), responsesChild);
            metrics.responded(event);
        }
    }
}
