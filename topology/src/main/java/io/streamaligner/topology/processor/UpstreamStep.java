package io.streamaligner.topology.processor;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.TextGenerator;
import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.AlignmentStage;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.StepEnd;
import io.streamaligner.schemas.TokenDelta;
import io.streamaligner.schemas.serde.AvroSerde;
import io.streamaligner.topology.UpstreamPrompt;
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
 * One upstream step per aligned prefix: continues the answer from the prefix (round 0 from
 * {@link RequestIntake}, later rounds from the {@code feedback} topic) and stops the upstream at the first sentence
 * boundary, so each step writes exactly one sentence. Forwards the step's text as {@link TokenDelta}s to the
 * delta children (the last one carries the {@link StepEnd}); a failed generation ends the request with an error
 * event and a final event to the responses child. Model calls are batched across requests by
 * {@link InferenceBatcher} over the {@value #PENDING_STORE} store.
 *
 * <p>Deltas are forwarded when the step's batch returns (a processor may forward only on its stream thread), so
 * within a step they appear together; a step is one sentence.
 */
public final class UpstreamStep implements Processor<String, AlignedPrefix, String, Object>,
        InferenceBatcher.Step<AlignedPrefix> {

    public static final String PENDING_STORE = "upstream-pending";

    private final InferenceBatcher<AlignedPrefix> batcher;
    private final UpstreamPrompt prompt;
    private final int maxStepTokens;
    private final List<String> deltaChildren;
    private final String responsesChild;
    private ProcessorContext<String, Object> context;

    /**
     * @param maxStepTokens cap on one step's tokens whatever the request asks (keeps a batch short)
     * @param deltaChildren children that receive the step's deltas (the segmenter, the upstream-tokens sink)
     */
    public UpstreamStep(TextGenerator upstream, UpstreamPrompt prompt, BatchSettings batch, int maxStepTokens,
                        List<String> deltaChildren, String responsesChild) {
        this(upstream, prompt, batch, maxStepTokens, deltaChildren, responsesChild, true);
    }

    /**
     * @param deltasCrossATopic whether the segmenter reads the deltas from {@code upstream-tokens} (a commit after
     *                          each batch then makes them readable at once) rather than in memory
     */
    public UpstreamStep(TextGenerator upstream, UpstreamPrompt prompt, BatchSettings batch, int maxStepTokens,
                        List<String> deltaChildren, String responsesChild, boolean deltasCrossATopic) {
        this.batcher = new InferenceBatcher<>(PENDING_STORE, upstream, batch, this, deltasCrossATopic);
        this.prompt = Objects.requireNonNull(prompt, "prompt");
        this.maxStepTokens = maxStepTokens;
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
        return LoopRules.upstreamStepRequest(requestId, prefix.getRequest(), prefix.getAlignedPrefix(),
                prefix.getUpstreamTokens(), prefix.getRound() + 1, prompt, maxStepTokens);
    }

    @Override
    public void completed(String requestId, AlignedPrefix prefix, Completion completion, List<String> deltas) {
        int round = prefix.getRound() + 1;
        long now = context.currentSystemTimeMs();
        StepEnd end = StepEnd.newBuilder()
                .setFinish(LoopRules.upstreamFinish(completion.finishReason()))
                .setGeneratedTokens(completion.generatedTokens())
                .setUpstreamMs(completion.nanos() / 1_000_000)
                .setContext(prefix)
                .build();
        // Streamed pieces when they add up to the text; otherwise (a generator that does not stream) the text whole.
        List<String> pieces = !deltas.isEmpty() && String.join("", deltas).equals(completion.text())
                ? deltas : List.of(completion.text());
        for (int index = 0; index < pieces.size(); index++) {
            TokenDelta delta = TokenDelta.newBuilder()
                    .setRequestId(requestId)
                    .setRound(round)
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
        context.forward(new Record<>(requestId,
                ResponseEvents.error(requestId, AlignmentStage.UPSTREAM, prefix.getRound() + 1, error), now), responsesChild);
        context.forward(new Record<>(requestId,
                ResponseEvents.answerFinal(requestId, prefix, AnswerFinishReason.ERROR, now), now), responsesChild);
    }
}
