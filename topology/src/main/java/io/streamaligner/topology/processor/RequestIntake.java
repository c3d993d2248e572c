package io.streamaligner.topology.processor;

import io.streamaligner.loop.AlignmentLoop;
import io.streamaligner.loop.Transition;
import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.RequestAdmission;
import io.streamaligner.schemas.serde.AvroSerde;
import io.streamaligner.topology.metrics.LoopMetrics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Admits a new request into the loop ({@link AlignmentLoop#admit}): a valid {@link AlignmentRequest} goes on as round
 * 0 to the upstream step; an invalid one is answered at once with the loop's error and final events.
 *
 * <p>A request id names one request. The {@value #ADMITTED_STORE} store remembers where and when each id was admitted,
 * for the retention: a prompt under an id admitted before from another record is refused with an error event saying
 * the id is taken (and its {@code ERROR} final), so a reused id never hangs; the same record read again (a replay under
 * at_least_once) goes on as before, and the steps after it drop what they have already done. After the retention an
 * id may be used again.
 */
public final class RequestIntake implements Processor<String, AlignmentRequest, String, Object> {

    public static final String ADMITTED_STORE = "request-intake-admitted";

    private static final Logger LOG = LoggerFactory.getLogger(RequestIntake.class);

    private final AlignmentLoop loop;
    private final StoreRetention retention;
    private final String upstreamChild;
    private final String responsesChild;
    private final LoopMetrics metrics;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, RequestAdmission> admitted;

    /** @param retention how long an admitted id stays taken ({@code streamaligner.aligner.progress-retention.ms}) */
    public RequestIntake(AlignmentLoop loop, Duration retention, String upstreamChild, String responsesChild,
                         LoopMetrics metrics) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.retention = new StoreRetention(retention);
        this.upstreamChild = Objects.requireNonNull(upstreamChild, "upstreamChild");
        this.responsesChild = Objects.requireNonNull(responsesChild, "responsesChild");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Admitted request ids, changelogged so that a restarted instance still knows them. */
    public static StoreBuilder<KeyValueStore<String, RequestAdmission>> admittedStore() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ADMITTED_STORE), Serdes.String(),
                AvroSerde.of(RequestAdmission.class));
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.admitted = context.getStateStore(ADMITTED_STORE);
        retention.schedulePurge(context, admitted, RequestAdmission::getAdmittedAtMs);
    }

    @Override
    public void process(Record<String, AlignmentRequest> record) {
        long now = context.currentSystemTimeMs();
        String id = record.key();
        Transition<AlignedPrefix> admission;
        try {
            Optional<RequestAdmission> taken = takenBy(id);
            admission = taken.isPresent()
                    ? loop.refuse(id, record.value(), new IllegalArgumentException("request id '" + id + "' is taken: a"
                    + " request with it was admitted at " + Instant.ofEpochMilli(taken.get().getAdmittedAtMs())
                    + "; give each request a new id"), now)
                    : loop.admit(id, record.value(), now);
        } catch (RuntimeException e) {
            LOG.warn("admitting request {} failed; refusing it", id, e);
            admission = loop.refuse(id, record.value(), e, now);
        }
        if (!admission.ended()) {
            rememberAdmission(id, now);
        }
        Responses.forward(context, admission.events(), responsesChild, now, metrics);
        admission.next().ifPresent(roundZero -> context.forward(new Record<>(id, roundZero, now), upstreamChild));
    }

    /** The earlier admission of {@code id} from another record, if there is one. */
    private Optional<RequestAdmission> takenBy(String id) {
        RequestAdmission earlier = admitted.get(id);
        if (earlier == null) {
            return Optional.empty();
        }
        Optional<RecordMetadata> source = context.recordMetadata();
        boolean sameRecord = source.isPresent() && source.get().partition() == earlier.getPartition()
                && source.get().offset() == earlier.getOffset();
        return sameRecord ? Optional.empty() : Optional.of(earlier);
    }

    private void rememberAdmission(String id, long now) {
        Optional<RecordMetadata> source = context.recordMetadata();
        admitted.put(id, new RequestAdmission(source.map(RecordMetadata::partition).orElse(-1),
                source.map(RecordMetadata::offset).orElse(-1L), now));
    }
}
