package io.streamaligner.topology.processor;

import io.streamaligner.loop.AlignmentLoop;
import io.streamaligner.schemas.StepBuffer;
import io.streamaligner.schemas.StepEnd;
import io.streamaligner.schemas.SuffixSentence;
import io.streamaligner.schemas.TokenDelta;
import io.streamaligner.schemas.serde.AvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * Turns an upstream step's {@link TokenDelta}s into the step's one {@link SuffixSentence}. Deltas are buffered
 * per request in the {@value #STEPS_STORE} store until the step's last delta (the one with a {@link StepEnd},
 * which carries the token count, timing and context the sentence needs); the loop's
 * {@link AlignmentLoop#stepSentence} then cuts the sentence. Replayed deltas (an index already buffered, an older
 * round) are dropped. With {@link CommitPolicy#WHEN_FORWARDED} (every hop through its topic) it requests a commit
 * with each sentence.
 */
public final class Segmenter implements Processor<String, TokenDelta, String, SuffixSentence> {

    public static final String STEPS_STORE = "segmenter-steps";

    private static final Logger LOG = LoggerFactory.getLogger(Segmenter.class);

    private final AlignmentLoop loop;
    private final CommitPolicy commitPolicy;
    private KeyValueStore<String, StepBuffer> steps;
    private ProcessorContext<String, SuffixSentence> context;
    private boolean commitWithSentence;

    /** @param commitPolicy {@link CommitPolicy#WHEN_FORWARDED} when the aligner reads the sentences from their topic */
    public Segmenter(AlignmentLoop loop, CommitPolicy commitPolicy) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.commitPolicy = Objects.requireNonNull(commitPolicy, "commitPolicy");
    }

    /**
     * Buffers of unfinished steps. Cached: a step's deltas usually arrive together, so the buffer is written and
     * deleted within one commit interval and rarely reaches the changelog.
     */
    public static StoreBuilder<KeyValueStore<String, StepBuffer>> stepsStore() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STEPS_STORE), Serdes.String(),
                AvroSerde.of(StepBuffer.class)).withCachingEnabled();
    }

    @Override
    public void init(ProcessorContext<String, SuffixSentence> context) {
        this.context = context;
        this.steps = context.getStateStore(STEPS_STORE);
        this.commitWithSentence = commitPolicy.commitsWhenForwarded(context);
    }

    @Override
    public void process(Record<String, TokenDelta> record) {
        String requestId = record.key();
        TokenDelta delta = record.value();
        if (delta.getSpeculative()) {
            return; // a step run ahead of the aligner: its deltas come again, unmarked, if the loop takes it
        }
        StepBuffer buffer = steps.get(requestId);
        if (buffer == null || buffer.getRound() != delta.getRound()) {
            if (buffer != null && delta.getRound() < buffer.getRound()) {
                LOG.debug("dropping replayed delta of {} round {} (buffering round {})", requestId, delta.getRound(), buffer.getRound());
                return;
            }
            if (buffer != null) {
                LOG.warn("request {}: step {} never ended; starting step {}", requestId, buffer.getRound(), delta.getRound());
            }
            buffer = new StepBuffer(delta.getRound(), 0, "");
        }
        if (delta.getIndex() < buffer.getNextIndex()) {
            LOG.debug("dropping replayed delta {} of {} round {}", delta.getIndex(), requestId, delta.getRound());
            return;
        }
        if (delta.getIndex() > buffer.getNextIndex()) {
            LOG.warn("request {} round {}: deltas {}..{} missing", requestId, delta.getRound(), buffer.getNextIndex(), delta.getIndex() - 1);
        }
        String text = buffer.getText() + delta.getText();
        StepEnd end = delta.getEnd();
        if (end == null) {
            steps.put(requestId, new StepBuffer(delta.getRound(), delta.getIndex() + 1, text));
            return;
        }
        steps.delete(requestId);
        context.forward(record.withValue(loop.stepSentence(text, end)));
        if (commitWithSentence) {
            context.commit();
        }
    }
}
