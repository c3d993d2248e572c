package io.streamaligner.topology.processor;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.TextGenerator;
import io.streamaligner.loop.AlignmentLoop;
import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.StepEnd;
import io.streamaligner.schemas.TokenDelta;
import io.streamaligner.schemas.serde.AvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.List;
import java.util.Objects;

/**
 * One upstream step per aligned prefix (round 0 from {@link RequestIntake}, later rounds from the {@code feedback}
 * topic): the loop's {@link AlignmentLoop#upstreamCall}, which stops at the first sentence boundary, so each step
 * writes one sentence. Forwards the step's text as {@link TokenDelta}s to the delta children (the last one carries
 * the loop's {@link StepEnd}); a failed step ends the request with the loop's error and final events. Model calls
 * are batched across requests by {@link InferenceBatcher} over the {@value #PENDING_STORE} store.
 *
 * <p>Deltas are forwarded when the step's batch returns (a processor may forward only on its stream thread), so
 * within a step they appear together.
 */
public final class UpstreamStep implements Processor<String, AlignedPrefix, String, Object>,
        InferenceBatcher.Step<AlignedPrefix> {

    public static final String PENDING_STORE = "upstream-pending";

    private final AlignmentLoop loop;
    private final InferenceBatcher<AlignedPrefix> batcher;
    private final List<String> deltaChildren;
    private final String responsesChild;
    private ProcessorContext<String, Object> context;

    /**
     * @param commitPolicy  {@link CommitPolicy#WHEN_FORWARDED} when the segmenter reads the deltas from their topic
     * @param deltaChildren children that receive the step's deltas (the segmenter, the upstream-tokens sink)
     */
    public UpstreamStep(AlignmentLoop loop, TextGenerator upstream, BatchSettings batch, CommitPolicy commitPolicy,
                        List<String> deltaChildren, String responsesChild) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.batcher = new InferenceBatcher<>(PENDING_STORE, upstream, batch, this, commitPolicy);
        this.deltaChildren = List.copyOf(deltaChildren);
        this.responsesChild = Objects.requireNonNull(responsesChild, "responsesChild");
    }

    /** The pending steps, changelogged so that a restart re-runs them. */
    public static StoreBuilder<KeyValueStore<String, AlignedPrefix>> pendingStore() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PENDING_STORE), Serdes.String(),
                AvroSerde.of(AlignedPrefix.class));
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        batcher.init(context);
    }

    @Override
    public void process(Record<String, AlignedPrefix> record) {
        batcher.add(record.key(), record.value());
    }

    @Override
    public CompletionRequest request(String requestId, AlignedPrefix prefix) {
        return loop.upstreamCall(prefix);
    }

    @Override
    public void completed(String requestId, AlignedPrefix prefix, Completion completion, List<String> deltas) {
        long now = context.currentSystemTimeMs();
        StepEnd end = loop.stepEnd(prefix, completion);
        // Streamed pieces when they add up to the text; otherwise (a generator that does not stream) the text whole.
        List<String> pieces = !deltas.isEmpty() && String.join("", deltas).equals(completion.text())
                ? deltas : List.of(completion.text());
        for (int index = 0; index < pieces.size(); index++) {
            TokenDelta delta = TokenDelta.newBuilder()
                    .setRequestId(requestId)
                    .setRound(AlignmentLoop.stepRound(prefix))
                    .setIndex(index)
                    .setText(pieces.get(index))
                    .setEnd(index == pieces.size() - 1 ? end : null)
                    .build();
            for (String child : deltaChildren) {
                context.forward(new Record<>(requestId, delta, now), child);
            }
        }
    }

    @Override
    public void failed(String requestId, AlignedPrefix prefix, RuntimeException error) {
        long now = context.currentSystemTimeMs();
        Responses.forward(context, loop.upstreamFailed(prefix, error, now).events(), responsesChild, now);
    }
}
