package io.streamaligner.topology.processor;

import io.streamaligner.topology.metrics.LoopMetrics;

import io.streamaligner.loop.LoopLimits;

import io.streamaligner.loop.AlignmentLoop;

import io.streamaligner.loop.testing.ScriptedAligner;
import io.streamaligner.loop.testing.TestPrompts;
import io.streamaligner.loop.testing.TestRecords;
import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.AlignmentStage;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.RequestProgress;
import io.streamaligner.schemas.SentenceAligned;
import io.streamaligner.schemas.SuffixSentence;
import io.streamaligner.schemas.UpstreamFinish;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AlignerTest {

    private static final Duration RETENTION = Duration.ofMinutes(10);

    private final MockProcessorContext<String, Object> context = MockStores.newContext();
    private final ScriptedAligner model = new ScriptedAligner().endAnswerOn("Therefore").failOn("broken");
    private final Aligner aligner = new Aligner(new AlignmentLoop(TestPrompts.UPSTREAM, TestPrompts.ALIGNER,
            new LoopLimits(128, 64)), model, new InferenceSettings(8, Duration.ofMillis(2), Duration.ofSeconds(5), 3,
            Duration.ofMillis(10)), new InFlightLimit(8), CommitPolicy.WHEN_FORWARDED, RETENTION, "feedback-sink", "responses-sink",
            LoopMetrics.none());
    private final AlignmentRequest request = TestRecords.request("r1", "q");
    private KeyValueStore<String, SuffixSentence> pending;
    private KeyValueStore<String, RequestProgress> progress;

    @BeforeEach
    void start() {
        context.setCurrentSystemTimeMs(5_000);
        pending = MockStores.attach(Aligner.pendingStore(), context);
        progress = MockStores.attach(Aligner.progressStore(), context);
        aligner.init(context);
    }

    @Test
    void shouldAppendTheCorrectionAndFeedTheNextRoundBack() {
        AlignedPrefix before = TestRecords.prefix(request, "One is right.", 1);
        before.setUpstreamTokens(10);
        before.setAlignerTokens(4);
        before.setUpstreamMs(30);
        before.setAlignerMs(20);

        aligner.process(sentence(2, "Two is wrong.", UpstreamFinish.SENTENCE, before));
        MockStores.punctuate(context);

        SentenceAligned event = (SentenceAligned) onlyResponse(0).getEvent();
        assertThat(event.getRound()).isEqualTo(2);
        assertThat(event.getOriginal()).isEqualTo("Two is wrong.");
        assertThat(event.getCorrected()).isEqualTo("Two is right.");
        assertThat(event.getChanged()).isTrue();
        assertThat(event.getUpstreamMs()).isEqualTo(7);
        assertThat(event.getAlignerMs()).isEqualTo(2);
        AlignedPrefix after = (AlignedPrefix) context.forwarded("feedback-sink").get(0).record().value();
        assertThat(after.getAlignedPrefix()).isEqualTo("One is right. Two is right.");
        assertThat(after.getRound()).isEqualTo(2);
        assertThat(after.getUpstreamTokens()).isEqualTo(13);
        assertThat(after.getAlignerTokens()).isEqualTo(4 + 4);
        assertThat(after.getUpstreamMs()).isEqualTo(37);
        assertThat(after.getAlignerMs()).isEqualTo(22);
        assertThat(after.getRequest()).isEqualTo(request);
        assertThat(model.calls().get(0).prompt())
                .isEqualTo(TestPrompts.ALIGNER.render("q", "One is right.", "Two is wrong."));
        assertThat(pending.approximateNumEntries()).isZero();
    }

    @Test
    void shouldEndWithTheWholeAnswerWhenTheUpstreamEnded() {
        aligner.process(sentence(2, "Last is wrong.", UpstreamFinish.END, TestRecords.prefix(request, "First.", 1)));
        MockStores.punctuate(context);

        assertThat(context.forwarded("feedback-sink")).isEmpty();
        AnswerFinal answer = (AnswerFinal) onlyResponse(1).getEvent();
        assertThat(answer.getAnswer()).isEqualTo("First. Last is right.");
        assertThat(answer.getRounds()).isEqualTo(2);
        assertThat(answer.getFinishReason()).isEqualTo(AnswerFinishReason.UPSTREAM_END);
        assertThat(answer.getTotalMs()).isEqualTo(5_000 - 1_000);
    }

    @Test
    void shouldEndWhenTheAlignerSignalsTheEnd() {
        aligner.process(sentence(1, "Therefore five.", UpstreamFinish.SENTENCE, TestRecords.prefix(request, "", 0)));
        MockStores.punctuate(context);

        assertThat(((AnswerFinal) onlyResponse(1).getEvent()).getFinishReason()).isEqualTo(AnswerFinishReason.ALIGNER_END);
        assertThat(context.forwarded("feedback-sink")).isEmpty();
    }

    @Test
    void shouldFinishWithoutAModelCallWhenTheStepWroteNothing() {
        aligner.process(sentence(3, "", UpstreamFinish.END, TestRecords.prefix(request, "One. Two.", 2)));

        AnswerFinal answer = (AnswerFinal) onlyResponse(0).getEvent();
        assertThat(answer.getAnswer()).isEqualTo("One. Two.");
        assertThat(answer.getRounds()).isEqualTo(2);
        assertThat(answer.getUpstreamTokens()).isEqualTo(3);
        assertThat(model.calls()).isEmpty();
    }

    @Test
    void shouldDropReplayedSentencesSoTheLoopNeitherForksNorEndsTwice() {
        SuffixSentence round1 = sentence(1, "One.", UpstreamFinish.SENTENCE, TestRecords.prefix(request, "", 0)).value();
        aligner.process(new Record<>("r1", round1, 0));
        MockStores.punctuate(context);
        aligner.process(new Record<>("r1", round1, 0));
        MockStores.punctuate(context);
        assertThat(context.forwarded("feedback-sink")).hasSize(1);

        SuffixSentence round2 = sentence(2, "Two.", UpstreamFinish.END, TestRecords.prefix(request, "One.", 1)).value();
        aligner.process(new Record<>("r1", round2, 0));
        MockStores.punctuate(context);
        aligner.process(new Record<>("r1", round2, 0));
        MockStores.punctuate(context);

        long finals = context.forwarded("responses-sink").stream()
                .filter(f -> ((AlignmentResponse) f.record().value()).getEvent() instanceof AnswerFinal).count();
        assertThat(finals).isEqualTo(1);
        assertThat(model.calls()).hasSize(2);
    }

    @Test
    void shouldCorrectANewRequestUnderAnIdWhoseEarlierRequestEnded() {
        aligner.process(sentence(1, "One.", UpstreamFinish.END, TestRecords.prefix(request, "", 0)));
        MockStores.punctuate(context);
        context.setCurrentSystemTimeMs(9_000);
        AlignedPrefix laterRequest = AlignedPrefix.newBuilder(TestRecords.prefix(request, "", 0)).setStartedAtMs(8_000).build();

        aligner.process(sentence(1, "Again.", UpstreamFinish.END, laterRequest));
        MockStores.punctuate(context);

        long finals = context.forwarded("responses-sink").stream()
                .filter(f -> ((AlignmentResponse) f.record().value()).getEvent() instanceof AnswerFinal).count();
        assertThat(finals).as("admitted after the first ended: a new request, not a replay").isEqualTo(2);
    }

    @Test
    void shouldEndTheRequestWithAnErrorAndAFinalWhenCorrectionFails() {
        AlignmentRequest broken = TestRecords.request("r2", "broken");
        aligner.process(new Record<>("r2", sentence(2, "Two.", UpstreamFinish.SENTENCE, TestRecords.prefix(broken, "One.", 1))
                .value(), 0));
        MockStores.punctuate(context);

        AlignmentError error = (AlignmentError) onlyResponse(0).getEvent();
        assertThat(error.getStage()).isEqualTo(AlignmentStage.ALIGNER);
        assertThat(error.getRound()).isEqualTo(2);
        AnswerFinal answer = (AnswerFinal) onlyResponse(1).getEvent();
        assertThat(answer.getFinishReason()).isEqualTo(AnswerFinishReason.ERROR);
        assertThat(answer.getAnswer()).isEqualTo("One.");
        assertThat(progress.get("r2").getFinished()).isTrue();
    }

    @Test
    void shouldForgetRequestsIdleLongerThanTheRetention() {
        aligner.process(sentence(1, "One.", UpstreamFinish.END, TestRecords.prefix(request, "", 0)));
        MockStores.punctuate(context);
        assertThat(progress.get("r1")).isNotNull();

        context.setCurrentSystemTimeMs(5_000 + RETENTION.toMillis() + 1);
        MockStores.punctuate(context);

        assertThat(progress.get("r1")).isNull();
    }

    private Record<String, SuffixSentence> sentence(int round, String text, UpstreamFinish finish, AlignedPrefix before) {
        String requestId = before.getRequest().getRequestId();
        return new Record<>(requestId, SuffixSentence.newBuilder().setRequestId(requestId).setRound(round).setSentence(text)
                .setUpstreamFinish(finish).setUpstreamTokens(3).setUpstreamMs(7).setContext(before).build(), 0);
    }

    private AlignmentResponse onlyResponse(int index) {
        List<AlignmentResponse> responses = context.forwarded("responses-sink").stream()
                .map(f -> (AlignmentResponse) f.record().value()).toList();
        return responses.get(index);
    }
}
