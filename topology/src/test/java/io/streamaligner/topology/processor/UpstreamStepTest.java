package io.streamaligner.topology.processor;

import io.streamaligner.topology.metrics.LoopMetrics;

import io.streamaligner.loop.StepSampling;

import io.streamaligner.loop.LoopLimits;

import io.streamaligner.loop.AlignmentLoop;

import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.TextGenerator;
import io.streamaligner.loop.testing.ScriptedUpstream;
import io.streamaligner.loop.testing.TestPrompts;
import io.streamaligner.loop.testing.TestRecords;
import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.AlignmentStage;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.GenerationParams;
import io.streamaligner.schemas.TokenDelta;
import io.streamaligner.schemas.UpstreamFinish;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamStepTest {

    private static final InferenceSettings INFERENCE = new InferenceSettings(8, Duration.ofMillis(2), Duration.ofSeconds(5), 3,
            Duration.ofMillis(10));

    private final MockProcessorContext<String, Object> context = MockStores.newContext();
    private final ScriptedUpstream upstream = new ScriptedUpstream()
            .answer("q", "Two plus two is wrong.", "So it is five.").failOn("unanswerable");
    private KeyValueStore<String, AlignedPrefix> pending;

    @Test
    void shouldWriteOneSentencePerStepAsDeltasWithTheStepEndOnTheLast() {
        UpstreamStep step = start(upstream, 128);
        AlignedPrefix prefix = TestRecords.prefix(TestRecords.request("r1", "q"), "", 0);

        step.process(new Record<>("r1", prefix, 0));
        MockStores.punctuate(context);

        List<TokenDelta> toSegmenter = deltasTo("segmenter");
        assertThat(deltasTo("tokens-sink")).isEqualTo(toSegmenter);
        assertThat(toSegmenter).extracting(TokenDelta::getIndex).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(toSegmenter).allSatisfy(delta -> assertThat(delta.getRound()).isEqualTo(1));
        assertThat(toSegmenter.stream().map(TokenDelta::getText).collect(Collectors.joining()))
                .isEqualTo("Two plus two is wrong.");
        assertThat(toSegmenter.subList(0, 5)).allSatisfy(delta -> assertThat(delta.getEnd()).isNull());
        TokenDelta last = toSegmenter.get(5);
        assertThat(last.getText()).as("the end comes on a delta of its own").isEmpty();
        assertThat(last.getEnd().getFinish()).isEqualTo(UpstreamFinish.SENTENCE);
        assertThat(last.getEnd().getGeneratedTokens()).as("the look-ahead token past the boundary counts").isEqualTo(6);
        assertThat(last.getEnd().getUpstreamMs()).isEqualTo(3);
        assertThat(last.getEnd().getContext()).isEqualTo(prefix);
        assertThat(pending.approximateNumEntries()).isZero();
    }

    @Test
    void shouldAskTheUpstreamToContinueTheAlignedPrefixUntilASentenceBoundary() {
        UpstreamStep step = start(upstream, 128);
        AlignmentRequest request = TestRecords.requestBuilder("r1", "q").setMaxTotalTokens(100)
                .setGeneration(GenerationParams.newBuilder().setTemperature(0.7).setSeed(7).setMaxNewTokensPerStep(64).build())
                .build();
        AlignedPrefix afterTwoRounds = TestRecords.prefix(request, "Two plus two is four. So it is four.", 2);
        afterTwoRounds.setUpstreamTokens(90);

        CompletionRequest completion = step.request("r1", afterTwoRounds);

        assertThat(completion.prompt()).isEqualTo(TestPrompts.UPSTREAM.render("", "q", "Two plus two is four. So it is four."));
        assertThat(completion.stop().stopAt(" Two is four. Next")).as("stops at the sentence boundary").isEqualTo(13);
        assertThat(completion.maxNewTokens()).as("what is left of the request's budget").isEqualTo(10);
        assertThat(completion.sampling().temperature()).isEqualTo(0.7);
        assertThat(completion.sampling().seed()).isEqualTo(StepSampling.stepSeed(7, 3));
    }

    @Test
    void shouldRenderTheRequestsSystemPromptOrNone() {
        pending = MockStores.attach(UpstreamStep.pendingStore(), context);
        AlignmentLoop systemPrompted = new AlignmentLoop((system, question, prefix) -> "[" + system + "]" + question,
                TestPrompts.ALIGNER, LoopLimits.DEFAULTS);
        UpstreamStep step = new UpstreamStep(systemPrompted, upstream, INFERENCE, new InFlightLimit(8), CommitPolicy.ON_INTERVAL,
                List.of("segmenter"), "responses-sink", false, LoopMetrics.none());
        AlignmentRequest withSystem = TestRecords.requestBuilder("r1", "q").setSystemPrompt("Be brief.").build();

        assertThat(step.request("r1", TestRecords.prefix(withSystem, "", 0)).prompt()).isEqualTo("[Be brief.]q");
        assertThat(step.request("r2", TestRecords.prefix(TestRecords.request("r2", "q"), "", 0)).prompt()).isEqualTo("[]q");
    }

    @Test
    void shouldCapAStepAtTheTopologysLimit() {
        UpstreamStep step = start(upstream, 16);

        CompletionRequest completion = step.request("r1", TestRecords.prefix(TestRecords.request("r1", "q"), "", 0));

        assertThat(completion.maxNewTokens()).isEqualTo(16);
    }

    @Test
    void shouldStreamTheStepsTextAsItIsWrittenBeforeTheStepEnds() {
        ControlledGenerator held = new ControlledGenerator();
        UpstreamStep step = start(held, 128);
        step.process(new Record<>("r1", TestRecords.prefix(TestRecords.request("r1", "q"), "", 0), 0));

        held.last("r1").stream(" Two").stream(" plus");
        MockStores.punctuate(context);
        assertThat(deltasTo("segmenter")).extracting(TokenDelta::getText).containsExactly(" Two", " plus");
        held.last("r1").stream(" two.");
        MockStores.punctuate(context);
        assertThat(deltasTo("segmenter")).extracting(TokenDelta::getText).containsExactly(" Two", " plus", " two.");
        assertThat(deltasTo("segmenter")).allSatisfy(delta -> assertThat(delta.getEnd()).isNull());

        held.last("r1").complete(FinishReason.STOP);
        MockStores.punctuate(context);
        assertThat(deltasTo("segmenter")).hasSize(4);
        assertThat(deltasTo("segmenter").get(3).getEnd().getFinish()).isEqualTo(UpstreamFinish.SENTENCE);
        assertThat(pending.approximateNumEntries()).isZero();
    }

    @Test
    void shouldRunTheSameStepAgainAfterARestartFromThePendingStore() {
        ControlledGenerator dying = new ControlledGenerator();
        UpstreamStep crashed = start(dying, 128);
        AlignmentRequest request = TestRecords.requestBuilder("r1", "q")
                .setGeneration(GenerationParams.newBuilder().setTemperature(0.9).setSeed(11).build()).build();
        crashed.process(new Record<>("r1", TestRecords.prefix(request, "", 0), 0));
        MockStores.punctuate(context);
        assertThat(context.forwarded()).as("the call is still running when the process dies").isEmpty();

        MockProcessorContext<String, Object> restartedContext = MockStores.newContext();
        restartedContext.addStateStore(pending);
        UpstreamStep restarted = new UpstreamStep(loop(128), upstream, INFERENCE, new InFlightLimit(8),
                CommitPolicy.ON_INTERVAL, List.of("segmenter"), "responses-sink", false, LoopMetrics.none());
        restarted.init(restartedContext);
        MockStores.punctuate(restartedContext);

        assertThat(upstream.calls()).hasSize(1);
        assertThat(upstream.calls().get(0)).as("same prompt, seed and limits").isEqualTo(dying.calls.get(0).request);
        assertThat(restartedContext.forwarded("segmenter")).hasSize(6);
        assertThat(pending.approximateNumEntries()).isZero();
    }

    @Test
    void shouldCancelItsCallsAndForwardNothingWhenClosed() {
        ControlledGenerator held = new ControlledGenerator();
        UpstreamStep step = start(held, 128);
        step.process(new Record<>("r1", TestRecords.prefix(TestRecords.request("r1", "q"), "", 0), 0));

        step.close();
        MockStores.punctuate(context);

        assertThat(held.last("r1").cancelled).isTrue();
        assertThat(context.forwarded()).isEmpty();
        assertThat(pending.get("r1")).as("the next owner of the task re-runs it").isNotNull();
    }

    @Test
    void shouldEndTheRequestWithAnErrorAndAFinalWhenGenerationFails() {
        UpstreamStep step = start(upstream, 128);
        AlignedPrefix prefix = TestRecords.prefix(TestRecords.request("r9", "unanswerable"), "Half.", 1);

        step.process(new Record<>("r9", prefix, 0));
        MockStores.punctuate(context);

        List<Object> responses = context.forwarded("responses-sink").stream().<Object>map(f -> f.record().value()).toList();
        assertThat(responses).hasSize(2);
        AlignmentError error = (AlignmentError) ((AlignmentResponse) responses.get(0)).getEvent();
        assertThat(error.getStage()).isEqualTo(AlignmentStage.UPSTREAM);
        assertThat(error.getRound()).isEqualTo(2);
        assertThat(error.getMessage()).contains("upstream cannot answer");
        AnswerFinal answer = (AnswerFinal) ((AlignmentResponse) responses.get(1)).getEvent();
        assertThat(answer.getFinishReason()).isEqualTo(AnswerFinishReason.ERROR);
        assertThat(answer.getAnswer()).isEqualTo("Half.");
        assertThat(answer.getRounds()).isEqualTo(1);
        assertThat(context.forwarded("segmenter")).isEmpty();
    }

    @Test
    void shouldRunTheNextStepAheadMarkedSpeculativeAndTakeItWhenTheFeedbackAsksForIt() {
        ControlledGenerator held = new ControlledGenerator();
        UpstreamStep step = start(held, 128, true);
        AlignmentLoop loop = loop(128);
        AlignedPrefix round0 = TestRecords.prefix(TestRecords.request("r1", "q"), "", 0);
        step.process(new Record<>("r1", round0, 0));
        held.last("r1").stream("Two is four.").stream(" So").complete(FinishReason.STOP);
        MockStores.punctuate(context);
        TokenDelta stepEnd = deltasTo("segmenter").get(deltasTo("segmenter").size() - 1);
        AlignedPrefix speculated = loop.speculativeNext(loop.stepSentence("Two is four.", stepEnd.getEnd())).orElseThrow();
        assertThat(held.callsOf("r1")).as("the next step runs while the sentence is corrected").isEqualTo(2);
        assertThat(held.last("r1").request.prompt()).isEqualTo(loop.upstreamCall(speculated).prompt());

        held.last("r1").stream(" Then");
        MockStores.punctuate(context);
        TokenDelta ahead = deltasTo("tokens-sink").get(deltasTo("tokens-sink").size() - 1);
        assertThat(ahead.getSpeculative()).isTrue();
        assertThat(ahead.getRound()).isEqualTo(2);
        assertThat(pending.get("r1")).as("a speculation is not stored").isNull();

        // the aligner kept the sentence: the feedback's prefix asks for the very call that runs
        AlignedPrefix feedback = AlignedPrefix.newBuilder(speculated).setAlignerTokens(5).setAlignerMs(2).build();
        context.resetForwards();
        step.process(new Record<>("r1", feedback, 0));
        assertThat(held.callsOf("r1")).as("the running call is adopted, not started again").isEqualTo(2);
        held.last("r1").stream(" more.").complete(FinishReason.STOP);
        MockStores.punctuate(context);

        List<TokenDelta> adopted = deltasTo("segmenter");
        assertThat(adopted).noneMatch(TokenDelta::getSpeculative);
        assertThat(adopted).extracting(TokenDelta::getIndex).containsExactly(0, 1, 2);
        assertThat(adopted).extracting(TokenDelta::getText).containsExactly(" Then", " more.", "");
        assertThat(adopted.get(2).getEnd().getContext()).as("the step continues the actual prefix").isEqualTo(feedback);
    }

    @Test
    void shouldCancelTheStepRunAheadWhenTheAlignerChangedTheSentence() {
        ControlledGenerator held = new ControlledGenerator();
        UpstreamStep step = start(held, 128, true);
        AlignmentLoop loop = loop(128);
        step.process(new Record<>("r1", TestRecords.prefix(TestRecords.request("r1", "q"), "", 0), 0));
        held.last("r1").stream("Two is five.").stream(" So").complete(FinishReason.STOP);
        MockStores.punctuate(context);
        ControlledGenerator.Call ahead = held.last("r1");

        AlignedPrefix corrected = TestRecords.prefix(TestRecords.request("r1", "q"), "Two is four.", 1);
        step.process(new Record<>("r1", corrected, 0));

        assertThat(ahead.cancelled).isTrue();
        assertThat(held.callsOf("r1")).isEqualTo(3);
        assertThat(held.last("r1").request.prompt()).isEqualTo(loop.upstreamCall(corrected).prompt());
        assertThat(step.speculativeCount()).isZero();
    }

    private UpstreamStep start(TextGenerator generator, int maxStepTokens) {
        return start(generator, maxStepTokens, false);
    }

    private UpstreamStep start(TextGenerator generator, int maxStepTokens, boolean speculate) {
        pending = MockStores.attach(UpstreamStep.pendingStore(), context);
        UpstreamStep step = new UpstreamStep(loop(maxStepTokens), generator, INFERENCE, new InFlightLimit(8),
                CommitPolicy.ON_INTERVAL, List.of("segmenter", "tokens-sink"), "responses-sink", speculate, LoopMetrics.none());
        step.init(context);
        return step;
    }

    private static AlignmentLoop loop(int maxStepTokens) {
        return new AlignmentLoop(TestPrompts.UPSTREAM, TestPrompts.ALIGNER, new LoopLimits(maxStepTokens, 128));
    }

    private List<TokenDelta> deltasTo(String child) {
        return context.forwarded(child).stream().map(f -> (TokenDelta) f.record().value()).toList();
    }
}
