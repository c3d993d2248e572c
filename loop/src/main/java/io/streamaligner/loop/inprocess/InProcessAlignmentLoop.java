package io.streamaligner.loop.inprocess;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.Generation;
import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.TextGenerator;
import io.streamaligner.loop.AlignmentLoop;
import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.loop.LoopLimits;
import io.streamaligner.loop.Transition;
import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.SuffixSentence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The alignment loop with no Kafka: {@link AlignmentLoop} driven round by round over the same models as the topology,
 * so it reaches the same answers — it is the reference the Kafka loop is checked against (with greedy decoding the
 * answers are equal; the Kafka loop changes nothing but latency), and a baseline for evaluations.
 *
 * <p>Each round submits every active request's upstream step at once (the engine batches them), then every
 * sentence's correction; a call that fails ends only its own request.
 *
 * <pre>{@code
 * InProcessAlignmentLoop loop = new InProcessAlignmentLoop(models, LoopLimits.DEFAULTS);
 * List<AlignedAnswer> answers = loop.run(requests);   // in the order of the requests
 * }</pre>
 * Thread-safe: it keeps no state between calls; the generators are shared as the topology shares them.
 */
public final class InProcessAlignmentLoop {

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
        List<Outcome> steps = callEach(models.upstream(), stepping.stream().<Supplier<CompletionRequest>>map(prefix -> () -> loop.upstreamCall(prefix)).toList());
        for (int i = 0; i < stepping.size(); i++) {
            AlignedPrefix prefix = stepping.get(i);
            Outcome step = steps.get(i);
            if (step.failure() != null) {
                record(events, loop.upstreamFailed(prefix, step.failure(), now()));
                continue;
            }
            SuffixSentence sentence = loop.stepSentence(step.completion().text(), loop.stepEnd(prefix, step.completion()));
            record(events, loop.alignerCall(sentence, now())).ifPresent(call -> toCorrect.add(new PendingCorrection(sentence, call)));
        }
        return toCorrect;
    }

    /** Every sentence's correction; returns the prefixes of the requests that go on. */
    private List<AlignedPrefix> alignerRound(List<PendingCorrection> toCorrect, Map<String, List<AlignmentResponse>> events) {
        List<AlignedPrefix> next = new ArrayList<>();
        List<Outcome> corrections = callEach(models.aligner(), toCorrect.stream().<Supplier<CompletionRequest>>map(c -> c::call).toList());
        for (int i = 0; i < toCorrect.size(); i++) {
            SuffixSentence sentence = toCorrect.get(i).sentence();
            Outcome correction = corrections.get(i);
            Transition<AlignedPrefix> after = correction.failure() != null
                    ? loop.alignerFailed(sentence, correction.failure(), now())
                    : loop.corrected(sentence, correction.completion(), now());
            record(events, after).ifPresent(next::add);
        }
        return next;
    }

    /**
     * Submits every call at once (the backend batches them) and waits for each; a call that cannot be built or fails
     * is that call's outcome alone.
     */
    private static List<Outcome> callEach(TextGenerator generator, List<Supplier<CompletionRequest>> calls) {
        List<Generation> started = new ArrayList<>(calls.size());
        List<RuntimeException> invalid = new ArrayList<>(calls.size());
        for (Supplier<CompletionRequest> call : calls) {
            try {
                started.add(generator.submit(call.get(), DeltaListener.NONE));
                invalid.add(null);
            } catch (RuntimeException cannotBuild) {
                started.add(null);
                invalid.add(cannotBuild);
            }
        }
        List<Outcome> outcomes = new ArrayList<>(started.size());
        for (int i = 0; i < started.size(); i++) {
            if (started.get(i) == null) {
                outcomes.add(new Outcome(null, invalid.get(i)));
                continue;
            }
            try {
                outcomes.add(new Outcome(started.get(i).completion().join(), null));
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                outcomes.add(new Outcome(null, cause instanceof RuntimeException runtime ? runtime
                        : new GenerationException(String.valueOf(cause), cause)));
            }
        }
        return outcomes;
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

    /** A call's completion or its failure. */
    private record Outcome(Completion completion, RuntimeException failure) {
    }
}
