package io.streamaligner.topology.inprocess;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.TextGenerator;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.topology.AlignmentModels;
import io.streamaligner.topology.TopologySettings;
import io.streamaligner.topology.processor.LoopRules;
import io.streamaligner.topology.processor.ResponseEvents;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The alignment loop with no Kafka: the same models, prompt renderers and {@link LoopRules} as the topology
 * ({@link io.streamaligner.topology.AlignmentTopology}), so it reaches the same answers — it is the reference the
 * Kafka loop is checked against (with greedy decoding the answers are equal; the Kafka loop changes nothing but
 * latency), and a baseline for evaluations.
 *
 * <p>Each round runs every active request's upstream step as one batch, cuts each step's sentence, then runs
 * every sentence's correction as one batch. The decisions are the topology's, rule for rule: request admission,
 * the step's token budget and sentence stop, per-round seeds, the blank-sentence end, correction joining, and
 * the stop rules in their order (upstream end, aligner end, max rounds, max tokens). A batch that fails is
 * retried one request at a time, so only the failing request ends, with {@code ERROR}, as in the topology.
 *
 * <pre>{@code
 * InProcessAlignmentLoop loop = new InProcessAlignmentLoop(models, TopologySettings.DEFAULTS);
 * List<AlignedAnswer> answers = loop.run(requests);   // in the order of the requests
 * }</pre>
 * Thread-safe: it keeps no state between calls; the generators are shared as the topology shares them.
 */
public final class InProcessAlignmentLoop {

    private final AlignmentModels models;
    private final TopologySettings settings;

    /**
     * @param models   the upstream and aligner and their prompt renderers, as given to the topology
     * @param settings the topology's settings; its token caps apply here too (wiring and batching do not matter)
     */
    public InProcessAlignmentLoop(AlignmentModels models, TopologySettings settings) {
        this.models = Objects.requireNonNull(models, "models");
        this.settings = Objects.requireNonNull(settings, "settings");
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
        Set<String> ids = new HashSet<>();
        List<RequestState> states = new ArrayList<>(requests.size());
        for (AlignmentRequest request : requests) {
            Objects.requireNonNull(request, "requests contains null");
            if (!ids.add(request.getRequestId())) {
                throw new IllegalArgumentException("request id '" + request.getRequestId() + "' appears twice");
            }
            states.add(admit(request));
        }
        List<RequestState> active = states.stream().filter(state -> state.result == null).toList();
        while (!active.isEmpty()) {
            List<RequestState> withSentence = upstreamStep(active);
            alignerStep(withSentence);
            active = active.stream().filter(state -> state.result == null).toList();
        }
        return states.stream().map(state -> state.result).toList();
    }

    /** As {@code RequestIntake}: an invalid request ends at once with ERROR and no rounds. */
    private static RequestState admit(AlignmentRequest request) {
        RequestState state = new RequestState(request);
        try {
            LoopRules.validateRequest(request.getRequestId(), request);
        } catch (IllegalArgumentException invalid) {
            state.finish(AnswerFinishReason.ERROR, Optional.of(ResponseEvents.errorMessage(invalid)));
        }
        return state;
    }

    /** As {@code UpstreamStep} then {@code Segmenter}: one sentence per request; returns those that have one. */
    private List<RequestState> upstreamStep(List<RequestState> active) {
        List<Outcome> outcomes = generate(models.upstream(), active, this::upstreamRequest);
        List<RequestState> withSentence = new ArrayList<>();
        for (Outcome outcome : outcomes) {
            RequestState state = outcome.state;
            if (outcome.failure != null) {
                state.finish(AnswerFinishReason.ERROR, Optional.of(ResponseEvents.errorMessage(outcome.failure)));
                continue;
            }
            Completion completion = outcome.completion;
            state.step = LoopRules.stepSentence(completion.text(), LoopRules.upstreamFinish(completion.finishReason()));
            state.stepTokens = completion.generatedTokens();
            if (state.step.sentence().isEmpty()) {
                // as the aligner does: the upstream wrote nothing more, the answer is what is aligned so far
                state.upstreamTokens += state.stepTokens;
                state.finish(AnswerFinishReason.UPSTREAM_END, Optional.empty());
            } else {
                withSentence.add(state);
            }
        }
        return withSentence;
    }

    /** As {@code Aligner}: corrects each sentence, appends it, and applies the stop rules. */
    private void alignerStep(List<RequestState> withSentence) {
        for (Outcome outcome : generate(models.aligner(), withSentence, this::alignerRequest)) {
            RequestState state = outcome.state;
            if (outcome.failure != null) {
                // the answer and totals stay as they were before this round
                state.finish(AnswerFinishReason.ERROR, Optional.of(ResponseEvents.errorMessage(outcome.failure)));
                continue;
            }
            Completion completion = outcome.completion;
            int round = state.round + 1;
            String original = state.step.sentence();
            String corrected = LoopRules.correction(completion.text(), original);
            state.sentences.add(new SentenceCorrection(round, original, corrected));
            state.prefix = LoopRules.appendCorrection(state.prefix, corrected);
            state.round = round;
            state.upstreamTokens += state.stepTokens;
            state.alignerTokens += completion.generatedTokens();
            AlignmentRequest request = state.request;
            LoopRules.endAfterRound(state.step.finish(), completion.finishReason(), round, request.getMaxRounds(),
                            state.upstreamTokens, request.getMaxTotalTokens())
                    .ifPresent(reason -> state.finish(reason, Optional.empty()));
        }
    }

    private CompletionRequest upstreamRequest(RequestState state) {
        return LoopRules.upstreamStepRequest(state.request.getRequestId(), state.request, state.prefix, state.upstreamTokens,
                state.round + 1, models.upstreamPrompt(), settings.maxUpstreamStepTokens());
    }

    private CompletionRequest alignerRequest(RequestState state) {
        AlignmentRequest request = state.request;
        return LoopRules.correctionRequest(request.getRequestId(), request.getQuestion(), request.getGeneration(), state.prefix,
                state.step.sentence(), state.round + 1, models.alignerPrompt(), settings.maxCorrectionTokens());
    }

    /**
     * One batch over the states' requests; if it throws, each request alone, so that a failure stays with its
     * request (as the topology's batcher does). A request that cannot even be built fails without a model call.
     */
    private static List<Outcome> generate(TextGenerator generator, List<RequestState> states,
                                          Function<RequestState, CompletionRequest> toRequest) {
        List<Outcome> outcomes = new ArrayList<>(states.size());
        List<RequestState> runnable = new ArrayList<>(states.size());
        List<CompletionRequest> requests = new ArrayList<>(states.size());
        for (RequestState state : states) {
            try {
                requests.add(toRequest.apply(state));
                runnable.add(state);
            } catch (RuntimeException invalid) {
                outcomes.add(Outcome.failed(state, invalid));
            }
        }
        if (runnable.isEmpty()) {
            return outcomes;
        }
        try {
            List<Completion> completions = complete(generator, requests);
            for (int i = 0; i < runnable.size(); i++) {
                outcomes.add(Outcome.completed(runnable.get(i), completions.get(i)));
            }
        } catch (RuntimeException batchFailure) {
            if (runnable.size() == 1) {
                outcomes.add(Outcome.failed(runnable.get(0), batchFailure));
                return outcomes;
            }
            for (int i = 0; i < runnable.size(); i++) {
                try {
                    outcomes.add(Outcome.completed(runnable.get(i), complete(generator, List.of(requests.get(i))).get(0)));
                } catch (RuntimeException failure) {
                    outcomes.add(Outcome.failed(runnable.get(i), failure));
                }
            }
        }
        return outcomes;
    }

    private static List<Completion> complete(TextGenerator generator, List<CompletionRequest> requests) {
        List<Completion> completions = generator.generate(requests);
        if (completions == null || completions.size() != requests.size()) {
            throw new IllegalStateException("generator returned " + (completions == null ? "null" : completions.size())
                    + " completions for " + requests.size() + " requests");
        }
        return completions;
    }

    /** A model call's result for one request: a completion or the failure. */
    private record Outcome(RequestState state, Completion completion, RuntimeException failure) {

        static Outcome completed(RequestState state, Completion completion) {
            return new Outcome(state, completion, null);
        }

        static Outcome failed(RequestState state, RuntimeException failure) {
            return new Outcome(state, null, failure);
        }
    }

    /** One request's loop state: what {@code AlignedPrefix} carries in the topology, plus this round's sentence. */
    private static final class RequestState {

        final AlignmentRequest request;
        final List<SentenceCorrection> sentences = new ArrayList<>();
        String prefix = "";
        int round;
        int upstreamTokens;
        int alignerTokens;
        LoopRules.StepSentence step;
        int stepTokens;
        AlignedAnswer result;

        RequestState(AlignmentRequest request) {
            this.request = request;
        }

        void finish(AnswerFinishReason reason, Optional<String> error) {
            result = new AlignedAnswer(request.getRequestId(), prefix, round, reason, sentences, upstreamTokens,
                    alignerTokens, error);
        }
    }
}
