package io.streamaligner.topology.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.SentenceAligned;

import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The loop's own meters, in one place, as Prometheus names them:
 * <ul>
 *   <li>{@code streamaligner_round_seconds} (histogram), tag {@code stage}: {@code upstream} (a step's model time),
 *       {@code aligner} (a correction's model time), {@code kafka} (the feedback hop: from the aligner's forward of the
 *       next prefix to the upstream step reading it, the transaction's commit included);</li>
 *   <li>{@code streamaligner_requests_in_flight}: requests this instance holds model work for (waiting for a permit,
 *       running or backing off);</li>
 *   <li>{@code streamaligner_answers_total}, tag {@code finish_reason}: final events written;</li>
 *   <li>{@code streamaligner_dead_letters_total}, tag {@code reason}: records sent to the dead-letter topic;</li>
 *   <li>{@code streamaligner_model_tokens_total}, tag {@code model} ({@code upstream}, {@code aligner}): tokens the
 *       models generated.</li>
 * </ul>
 * {@link #figures()} reads the same meters for a quick look (the web view's panel). Thread-safe: every stream thread of
 * the instance records into the same meters.
 */
public final class LoopMetrics {

    public static final String ROUND = "streamaligner.round";
    public static final String REQUESTS_IN_FLIGHT = "streamaligner.requests.in.flight";
    public static final String ANSWERS = "streamaligner.answers";
    public static final String DEAD_LETTERS = "streamaligner.dead.letters";
    public static final String MODEL_TOKENS = "streamaligner.model.tokens";

    private static final double MEDIAN = 0.5;

    /** The models, as the {@code model} tag names them. */
    public static final String UPSTREAM = "upstream";
    public static final String ALIGNER = "aligner";

    private final MeterRegistry registry;
    private final Timer upstreamRound;
    private final Timer alignerRound;
    private final Timer kafkaRound;
    private final AtomicInteger upstreamPending = new AtomicInteger();
    private final AtomicInteger alignerPending = new AtomicInteger();

    public LoopMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.upstreamRound = roundTimer(UPSTREAM);
        this.alignerRound = roundTimer(ALIGNER);
        this.kafkaRound = roundTimer("kafka");
        Gauge.builder(REQUESTS_IN_FLIGHT, () -> upstreamPending.get() + alignerPending.get())
                .description("requests this instance holds model work for").register(registry);
        for (String model : new String[] {UPSTREAM, ALIGNER}) {
            Counter.builder(MODEL_TOKENS).tag("model", model).description("tokens generated").register(registry);
        }
        // every series from zero, so that rates and dashboards see the first one
        for (AnswerFinishReason reason : AnswerFinishReason.values()) {
            answers(reason);
        }
    }

    /** Shows a dead-letter reason's count from zero, before the first such record. */
    public void expectDeadLetters(Collection<String> reasons) {
        reasons.forEach(this::deadLetters);
    }

    /** Meters that go nowhere: for tests and tools that run the topology without monitoring. */
    public static LoopMetrics none() {
        return new LoopMetrics(new CompositeMeterRegistry());
    }

    /** A response event the loop wrote: a final counts as an answer, a sentence records its round's model times. */
    public void responded(AlignmentResponse response) {
        if (response.getEvent() instanceof AnswerFinal answer) {
            answers(answer.getFinishReason()).increment();
        } else if (response.getEvent() instanceof SentenceAligned sentence) {
            upstreamRound.record(sentence.getUpstreamMs(), TimeUnit.MILLISECONDS);
            alignerRound.record(sentence.getAlignerMs(), TimeUnit.MILLISECONDS);
        }
    }

    /** The feedback hop of one round took {@code hop} (never negative: clocks of two instances may differ). */
    public void feedbackHop(Duration hop) {
        kafkaRound.record(hop.isNegative() ? Duration.ZERO : hop);
    }

    public void deadLettered(String reason) {
        deadLetters(reason).increment();
    }

    private Counter answers(AnswerFinishReason reason) {
        return Counter.builder(ANSWERS).tag("finish_reason", reason.name()).description("final events written")
                .register(registry);
    }

    private Counter deadLetters(String reason) {
        return Counter.builder(DEAD_LETTERS).tag("reason", reason).description("records sent to the dead-letter topic")
                .register(registry);
    }

    public void generated(String model, int tokens) {
        Counter.builder(MODEL_TOKENS).tag("model", model).register(registry).increment(tokens);
    }

    /** What the meters say now, for the web view's panel. */
    public LoopFigures figures() {
        return new LoopFigures(upstreamPending.get() + alignerPending.get(), alignerRound.count(), median(upstreamRound),
                median(alignerRound), median(kafkaRound));
    }

    /** The timer's median over its decaying window (Micrometer's default: two minutes, in three steps), in ms. */
    private static double median(Timer timer) {
        for (ValueAtPercentile percentile : timer.takeSnapshot().percentileValues()) {
            if (percentile.percentile() == MEDIAN) {
                return percentile.value(TimeUnit.MILLISECONDS);
            }
        }
        return 0;
    }

    /** The number of requests with work pending in {@code model}'s inference stages changed by {@code delta}. */
    public void pendingChanged(String model, int delta) {
        (UPSTREAM.equals(model) ? upstreamPending : alignerPending).addAndGet(delta);
    }

    private Timer roundTimer(String stage) {
        return Timer.builder(ROUND).tag("stage", stage).description("time of one round's stage")
                .publishPercentileHistogram()
                // a live median for figures(); the histogram stays what Prometheus aggregates
                .publishPercentiles(MEDIAN)
                .register(registry);
    }
}
