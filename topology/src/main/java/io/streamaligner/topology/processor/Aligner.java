package io.streamaligner.topology.processor;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.TextGenerator;
import io.streamaligner.loop.AlignmentLoop;
import io.streamaligner.loop.Transition;
import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.RequestProgress;
import io.streamaligner.schemas.SuffixSentence;
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
import java.util.Objects;

/**
 * Corrects each {@link SuffixSentence} with the aligner model and forwards what the loop decides
 * ({@link AlignmentLoop#alignerCall}, {@link AlignmentLoop#corrected}): the round's event to the responses child,
 * then either the new {@link AlignedPrefix} to the feedback child for the next round, or the request's final event.
 * A failed correction ends the request with the loop's error and final events.
 *
 * <p>Model calls run in an {@link InferenceStage} over {@value #PENDING_STORE}; the feedback crosses a topic, so the
 * topology gives it {@link CommitPolicy#WHEN_FORWARDED}. The {@value #PROGRESS_STORE} store
 * keeps each request's last aligned round, so a sentence seen again (a replay under at_least_once) neither forks the
 * loop nor ends a request twice; entries idle longer than the retention are purged.
 */
public final class Aligner implements Processor<String, SuffixSentence, String, Object>,
        InferenceStage.Step<SuffixSentence> {

    public static final String PENDING_STORE = "aligner-pending";
    public static final String PROGRESS_STORE = "aligner-progress";

    private static final Logger LOG = LoggerFactory.getLogger(Aligner.class);

    private final AlignmentLoop loop;
    private final InferenceStage<SuffixSentence> stage;
    private final StoreRetention progressRetention;
    private final String feedbackChild;
    private final String responsesChild;
    private final LoopMetrics metrics;
    private KeyValueStore<String, RequestProgress> progress;
    private ProcessorContext<String, Object> context;

    /** @param limit the aligner's calls in flight, shared by every task of this instance */
    public Aligner(AlignmentLoop loop, TextGenerator aligner, InferenceSettings inference, InFlightLimit limit,
                   CommitPolicy commitPolicy, Duration progressRetention, String feedbackChild, String responsesChild,
                   LoopMetrics metrics) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.stage = new InferenceStage<>(PENDING_STORE, LoopMetrics.ALIGNER, aligner, inference, limit, this,
                commitPolicy, metrics);
        this.progressRetention = new StoreRetention(progressRetention);
        this.feedbackChild = Objects.requireNonNull(feedbackChild, "feedbackChild");
        this.responsesChild = Objects.requireNonNull(responsesChild, "responsesChild");
    }

    /** Sentences waiting for correction, changelogged so that a restart re-runs them. */
    public static StoreBuilder<KeyValueStore<String, SuffixSentence>> pendingStore() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PENDING_STORE), Serdes.String(),
                AvroSerde.of(SuffixSentence.class));
    }

    /** Last aligned round per request. */
    public static StoreBuilder<KeyValueStore<String, RequestProgress>> progressStore() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PROGRESS_STORE), Serdes.String(),
                AvroSerde.of(RequestProgress.class));
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.progress = context.getStateStore(PROGRESS_STORE);
        stage.init(context);
        progressRetention.schedulePurge(context, progress, RequestProgress::getUpdatedAtMs);
    }

    @Override
    public void process(Record<String, SuffixSentence> record) {
        String requestId = record.key();
        SuffixSentence sentence = record.value();
        RequestProgress seen = progress.get(requestId);
        if (seen != null && isReplay(sentence, seen)) {
            LOG.debug("dropping replayed sentence of {} round {}", requestId, sentence.getRound());
            return;
        }
        long now = context.currentSystemTimeMs();
        try {
            Transition<CompletionRequest> call = loop.alignerCall(sentence, now);
            if (call.ended()) {
                end(requestId, call, now);
            } else {
                stage.add(requestId, sentence);
            }
        } catch (StreamsException kafka) {
            throw kafka; // a fenced producer or a migrated task is Kafka Streams' to handle, not this request's failure
        } catch (RuntimeException e) {
            LOG.warn("correcting round {} of request {} failed", sentence.getRound(), requestId, e);
            end(requestId, loop.alignerFailed(sentence, e, now), now);
        }
    }

    /**
     * A sentence of a round already aligned, or of a request that has ended: dropped. A request admitted after the one
     * that ended under the same id (its id's retention at the intake had passed) is a new request, not a replay.
     */
    private static boolean isReplay(SuffixSentence sentence, RequestProgress seen) {
        if (seen.getFinished()) {
            return sentence.getContext().getStartedAtMs() <= seen.getUpdatedAtMs();
        }
        return sentence.getRound() <= seen.getRound();
    }

    @Override
    public CompletionRequest request(String requestId, SuffixSentence sentence) {
        // the same pure decision process() took: a pending sentence is one the aligner corrects
        return loop.alignerCall(sentence, context.currentSystemTimeMs()).next().orElseThrow();
    }

    @Override
    public int round(SuffixSentence sentence) {
        return sentence.getRound();
    }

    @Override
    public void completed(String requestId, SuffixSentence sentence, Completion completion, int pieces) {
        long now = context.currentSystemTimeMs();
        Transition<AlignedPrefix> round = loop.corrected(sentence, completion, now);
        if (round.ended()) {
            end(requestId, round, now);
            return;
        }
        Responses.forward(context, round.events(), responsesChild, now, metrics);
        AlignedPrefix next = round.next().orElseThrow();
        progress.put(requestId, new RequestProgress(next.getRound(), false, now));
        context.forward(new Record<>(requestId, next, now), feedbackChild);
    }

    @Override
    public void close() {
        stage.close();
    }

    @Override
    public void failed(String requestId, SuffixSentence sentence, RuntimeException error) {
        long now = context.currentSystemTimeMs();
        end(requestId, loop.alignerFailed(sentence, error, now), now);
    }

    /** Forwards the events of a transition that ended the request, and remembers it ended. */
    private void end(String requestId, Transition<?> end, long now) {
        Responses.forward(context, end.events(), responsesChild, now, metrics);
        progress.put(requestId, new RequestProgress(end.answerFinal().orElseThrow().getRounds(), true, now));
    }
}
