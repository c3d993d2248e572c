package io.streamaligner.loop.inprocess;

import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.loop.AlignmentLoop;
import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.loop.IsolatedBatch;
import io.streamaligner.loop.LoopLimits;
import io.streamaligner.loop.Transition;
import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.SuffixSentence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The alignment loop with no Kafka: {@link AlignmentLoop} driven round by round over the same models as the topology,
 * so it reaches the same answers — it is the reference the Kafka loop is checked against (with greedy decoding the
 * answers are equal; the Kafka loop changes nothing but latency), and a baseline for evaluations.
 *
 * <p>Each round runs every active request's upstream step as one batch, then every sentence's correction as one
 * batch ({@link IsolatedBatch}: a failure ends only its own request).
 *
 * <pre>{@code
 * InProcessAlignmentLoop loop = new InProcessAlignmentLoop(models, LoopLimits.DEFAULTS);
 * List<AlignedAnswer> answers = loop.run(requests);   // in the order of the requests
 * }</pre>
 * Thread-safe: it keeps no state between calls; the generators are shared as the topology shares them.
 */
public final class InProcessAlignmentLoop {

    private static final Duration NO_RETRY_LIMIT = Duration.ofDays(1);

    private final AlignmentModels models;
    private final AlignmentLoop loop;

    /** @param limits the topology's caps on one model call, so both loops make the same calls */
    public InProcessAlignmentLoop(AlignmentModels models, LoopLimits limits) {
        this.models = Objects.requireNonNull(models, "models");
        this.loop = new AlignmentLoop(models, limits);
    }

    /** Runs one request to its end. */
    public AlignedAnswer run(AlignmentRequest request) {
        return run(List.of(Objects.requireNonNull(request, "request"))).get(0);
    }

    /**
     * Runs the requests together to their ends, batching their steps round by round.
     *
     * @param requests requests with distinct ids (the id is each record's key in the topology)
     * @return one answer per request, in the same order
     */
    public List<AlignedAnswer> run(List<AlignmentRequest> requests) {
        Objects.requireNonNull(requests, "requests");
        Map<String, List<AlignmentResponse>> events = new LinkedHashMap<>();
        List<AlignedPrefix> stepping = new ArrayList<>();
        for (AlignmentRequest request : requests) {
            Objects.requireNonNull(request, "requests contains null");
            if (events.putIfAbsent(request.getRequestId(), new ArrayList<>()) != null) {
                throw new IllegalArgumentException("request id '" + request.getRequestId() + "' appears twice");
            }
            record(events, loop.admit(request.getRequestId(), request, now())).ifPresent(stepping::add);
        }
        while (!stepping.isEmpty()) {
            stepping = alignerRound(upstreamRound(stepping, events), events);
        }
        return events.values().stream().map(AlignedAnswer::fromEvents).toList();
    }

    /** Every request's upstream step; returns the sentences to correct, each with its aligner call. */
    private List<PendingCorrection> upstreamRound(List<AlignedPrefix> stepping, Map<String, List<AlignmentResponse>> events) {
        List<PendingCorrection> toCorrect = new ArrayList<>();
        for (IsolatedBatch.Outcome<AlignedPrefix> step : IsolatedBatch.run(models.upstream(), stepping, loop::upstreamCall,
                NO_RETRY_LIMIT)) {
            if (step.failed()) {
                record(events, loop.upstreamFailed(step.work(), step.failure(), now()));
                continue;
            }
            SuffixSentence sentence = loop.stepSentence(step.completion().text(), loop.stepEnd(step.work(), step.completion()));
            record(events, loop.alignerCall(sentence, now())).ifPresent(call -> toCorrect.add(new PendingCorrection(sentence, call)));
        }
        return toCorrect;
    }

    /** Every sentence's correction; returns the prefixes of the requests that go on. */
    private List<AlignedPrefix> alignerRound(List<PendingCorrection> toCorrect, Map<String, List<AlignmentResponse>> events) {
        List<AlignedPrefix> next = new ArrayList<>();
        for (IsolatedBatch.Outcome<PendingCorrection> correction : IsolatedBatch.run(models.aligner(), toCorrect,
                PendingCorrection::call, NO_RETRY_LIMIT)) {
            SuffixSentence sentence = correction.work().sentence();
            Transition<AlignedPrefix> after = correction.failed()
                    ? loop.alignerFailed(sentence, correction.failure(), now())
                    : loop.corrected(sentence, correction.completion(), now());
            record(events, after).ifPresent(next::add);
        }
        return next;
    }

    private static <S> Optional<S> record(Map<String, List<AlignmentResponse>> events, Transition<S> transition) {
        transition.events().forEach(event -> events.get(event.getRequestId()).add(event));
        return transition.next();
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    private record PendingCorrection(SuffixSentence sentence, CompletionRequest call) {
    }
}
