package io.streamaligner.topology.processor;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.TextGenerator;
import io.streamaligner.loop.AlignmentLoop;
import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.StepEnd;
import io.streamaligner.schemas.TokenDelta;
import io.streamaligner.schemas.serde.AvroSerde;
import io.streamaligner.topology.metrics.LoopMetrics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One upstream step per aligned prefix (round 0 from {@link RequestIntake}, later rounds from the {@code feedback}
 * topic): the loop's {@link AlignmentLoop#upstreamCall}, which stops at the first sentence boundary, so each step
 * writes one sentence. Forwards the step's text live, one {@link TokenDelta} per piece the model wrote, to the delta
 * children as the {@link InferenceStage} punctuator finds them, then one last delta (empty) carrying the loop's
 * {@link StepEnd}; a failed step ends the request with the loop's error and final events. Deltas carry their round
 * and index: a step re-run after a crash writes the same pieces again, which readers drop by index. With speculation,
 * a step run ahead of the aligner writes its deltas marked {@code speculative} (the segmenter skips them) and, once
 * the feedback adopts it, again unmarked.
 */
public final class UpstreamStep implements Processor<String, AlignedPrefix, String, Object>,
        InferenceStage.Step<AlignedPrefix> {

    public static final String PENDING_STORE = "upstream-pending";

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamStep.class);

    private final AlignmentLoop loop;
    private final InferenceStage<AlignedPrefix> stage;
    private final List<String> deltaChildren;
    private final String responsesChild;
    private final boolean speculate;
    private final LoopMetrics metrics;
    private ProcessorContext<String, Object> context;

    /**
     * @param limit         the upstream's calls in flight, shared by every task of this instance
     * @param commitPolicy  {@link CommitPolicy#WHEN_FORWARDED} when the segmenter reads the deltas from their topic
     * @param deltaChildren children that receive the step's deltas (the segmenter, the upstream-tokens sink)
     * @param speculate     start the next step when a step ends, from the prefix the loop goes on with if the aligner
     *                      leaves the sentence unchanged ({@link AlignmentLoop#speculativeNext}); the feedback then
     *                      adopts it when its prefix asks for the same call, else it is cancelled
     */
    public UpstreamStep(AlignmentLoop loop, TextGenerator upstream, InferenceSettings inference, InFlightLimit limit,
                        CommitPolicy commitPolicy, List<String> deltaChildren, String responsesChild, boolean speculate,
                        LoopMetrics metrics) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.stage = new InferenceStage<>(PENDING_STORE, LoopMetrics.UPSTREAM, upstream, inference, limit, this,
                commitPolicy, metrics);
        this.deltaChildren = List.copyOf(deltaChildren);
        this.responsesChild = Objects.requireNonNull(responsesChild, "responsesChild");
        this.speculate = speculate;
    }

    /** The pending steps, changelogged so that a restart re-runs them. */
    public static StoreBuilder<KeyValueStore<String, AlignedPrefix>> pendingStore() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PENDING_STORE), Serdes.String(),
                AvroSerde.of(AlignedPrefix.class));
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        stage.init(context);
    }

    @Override
    public void process(Record<String, AlignedPrefix> record) {
        if (record.value().getRound() > 0) {
            // a later round's prefix came through the feedback topic, stamped when the aligner forwarded it
            metrics.feedbackHop(Duration.ofMillis(context.currentSystemTimeMs() - record.timestamp()));
        }
        try {
            stage.add(record.key(), record.value());
        } catch (StreamsException kafka) {
            throw kafka; // a fenced producer or a migrated task is Kafka Streams' to handle, not this request's failure
        } catch (RuntimeException e) {
            LOG.warn("starting round {} of request {} failed", AlignmentLoop.stepRound(record.value()), record.key(), e);
            failed(record.key(), record.value(), e);
        }
    }

    @Override
    public void close() {
        stage.close();
    }

    @Override
    public CompletionRequest request(String requestId, AlignedPrefix prefix) {
        return loop.upstreamCall(prefix);
    }

    @Override
    public int round(AlignedPrefix prefix) {
        return AlignmentLoop.stepRound(prefix);
    }

    @Override
    public boolean takesPieces() {
        return true; // they go to upstream-tokens as they come
    }

    @Override
    public void streamed(String requestId, AlignedPrefix prefix, String piece, int index, boolean speculative) {
        forward(requestId, prefix, piece, index, null, speculative);
    }

    @Override
    public void completed(String requestId, AlignedPrefix prefix, Completion completion, int pieces) {
        StepEnd end = loop.stepEnd(prefix, completion);
        Optional<AlignedPrefix> ahead = speculate ? runAhead(requestId, completion, end) : Optional.empty();
        forward(requestId, prefix, "", pieces, end, false);
        ahead.ifPresent(next -> stage.speculate(requestId, next));
    }

    @Override
    public boolean sameCall(String requestId, AlignedPrefix speculated, AlignedPrefix actual) {
        return loop.sameUpstreamCall(speculated, actual);
    }

    /** Where the next step may start ahead of the aligner; nothing when that cannot be told (never fails the step). */
    private Optional<AlignedPrefix> runAhead(String requestId, Completion completion, StepEnd end) {
        try {
            return loop.speculativeNext(loop.stepSentence(completion.text(), end));
        } catch (RuntimeException e) {
            LOG.debug("request {}: not running its next step ahead", requestId, e);
            return Optional.empty();
        }
    }

    /** Speculative steps running or holding their result in this task. */
    int speculativeCount() {
        return stage.speculativeCount();
    }

    @Override
    public void failed(String requestId, AlignedPrefix prefix, RuntimeException error) {
        long now = context.currentSystemTimeMs();
        Responses.forward(context, loop.upstreamFailed(prefix, error, now).events(), responsesChild, now, metrics);
    }

    private void forward(String requestId, AlignedPrefix prefix, String text, int index, StepEnd end,
                         boolean speculative) {
        TokenDelta delta = TokenDelta.newBuilder()
                .setRequestId(requestId)
                .setRound(AlignmentLoop.stepRound(prefix))
                .setIndex(index)
                .setText(text)
                .setSpeculative(speculative)
                .setEnd(end)
                .build();
        long now = context.currentSystemTimeMs();
        for (String child : deltaChildren) {
            context.forward(new Record<>(requestId, delta, now), child);
        }
    }
}
