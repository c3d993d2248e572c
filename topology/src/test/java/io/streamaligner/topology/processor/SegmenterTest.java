package io.streamaligner.topology.processor;

import io.streamaligner.loop.testing.TestPrompts;

import io.streamaligner.loop.LoopLimits;

import io.streamaligner.loop.AlignmentLoop;

import io.streamaligner.loop.testing.TestRecords;
import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.StepBuffer;
import io.streamaligner.schemas.StepEnd;
import io.streamaligner.schemas.SuffixSentence;
import io.streamaligner.schemas.TokenDelta;
import io.streamaligner.schemas.UpstreamFinish;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SegmenterTest {

    private final MockProcessorContext<String, SuffixSentence> context = MockStores.newContext();
    private final AlignedPrefix context1 = TestRecords.prefix(TestRecords.request("r1", "q"), "Earlier.", 1);
    private final AlignmentLoop loop = new AlignmentLoop(TestPrompts.UPSTREAM, TestPrompts.ALIGNER, LoopLimits.DEFAULTS);
    private final Segmenter segmenter = new Segmenter(loop, CommitPolicy.WHEN_FORWARDED);
    private KeyValueStore<String, StepBuffer> steps;

    @BeforeEach
    void start() {
        steps = MockStores.attach(Segmenter.stepsStore(), context);
        segmenter.init(context);
    }

    @Test
    void shouldEmitTheStepsSentenceWhenItsLastDeltaArrives() {
        segmenter.process(delta(2, 0, " Two", null));
        segmenter.process(delta(2, 1, " is", null));
        assertThat(context.forwarded()).isEmpty();
        assertThat(steps.get("r1")).isEqualTo(new StepBuffer(2, 2, " Two is"));

        segmenter.process(delta(2, 2, " four.", end(UpstreamFinish.SENTENCE)));

        assertThat(sentences()).singleElement().satisfies(sentence -> {
            assertThat(sentence.getRequestId()).isEqualTo("r1");
            assertThat(sentence.getRound()).isEqualTo(2);
            assertThat(sentence.getSentence()).isEqualTo("Two is four.");
            assertThat(sentence.getUpstreamFinish()).isEqualTo(UpstreamFinish.SENTENCE);
            assertThat(sentence.getUpstreamTokens()).isEqualTo(4);
            assertThat(sentence.getUpstreamMs()).isEqualTo(5);
            assertThat(sentence.getContext()).isEqualTo(context1);
        });
        assertThat(steps.get("r1")).isNull();
    }

    @Test
    void shouldRequestACommitWithEachSentenceUnderExactlyOnce() {
        segmenter.process(delta(2, 0, " Two", null));
        assertThat(context.committed()).isFalse();

        segmenter.process(delta(2, 1, " is four.", end(UpstreamFinish.SENTENCE)));

        assertThat(context.committed()).as("the sentence is the round's next hop").isTrue();
    }

    @Test
    void shouldNotCommitWhenTheAlignerIsItsChildInMemory() {
        MockProcessorContext<String, SuffixSentence> inMemoryContext = MockStores.newContext();
        MockStores.attach(Segmenter.stepsStore(), inMemoryContext);
        Segmenter inMemory = new Segmenter(loop, CommitPolicy.ON_INTERVAL);
        inMemory.init(inMemoryContext);

        inMemory.process(delta(2, 0, " Two is four.", end(UpstreamFinish.SENTENCE)));

        assertThat(inMemoryContext.forwarded()).hasSize(1);
        assertThat(inMemoryContext.committed()).isFalse();
    }

    @Test
    void shouldKeepRequestsApart() {
        segmenter.process(delta(2, 0, " Mine", null));
        segmenter.process(new Record<>("r2", TokenDelta.newBuilder().setRequestId("r2").setRound(1).setIndex(0)
                .setText("Yours.").setEnd(StepEnd.newBuilder(end(UpstreamFinish.END))
                        .setContext(TestRecords.prefix(TestRecords.request("r2", "q2"), "", 0)).build()).build(), 0));
        segmenter.process(delta(2, 1, " too.", end(UpstreamFinish.END)));

        assertThat(sentences()).extracting(SuffixSentence::getRequestId, SuffixSentence::getSentence)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("r2", "Yours."),
                        org.assertj.core.groups.Tuple.tuple("r1", "Mine too."));
    }

    @Test
    void shouldDropReplayedDeltas() {
        segmenter.process(delta(2, 0, " Once", null));
        segmenter.process(delta(2, 0, " Once", null));
        segmenter.process(delta(1, 7, " old round.", end(UpstreamFinish.END)));
        segmenter.process(delta(2, 1, " only.", end(UpstreamFinish.SENTENCE)));

        assertThat(sentences()).extracting(SuffixSentence::getSentence).containsExactly("Once only.");
    }

    @Test
    void shouldContinueTheLoopWhenAStepHoldsMoreThanOneSentence() {
        segmenter.process(delta(2, 0, " A is one. B is two.", end(UpstreamFinish.END)));

        assertThat(sentences()).singleElement().satisfies(sentence -> {
            assertThat(sentence.getSentence()).isEqualTo("A is one.");
            assertThat(sentence.getUpstreamFinish()).isEqualTo(UpstreamFinish.SENTENCE);
        });
    }

    @Test
    void shouldEmitAnEmptySentenceForAStepWithoutText() {
        segmenter.process(delta(2, 0, "", end(UpstreamFinish.END)));

        assertThat(sentences()).singleElement().satisfies(sentence -> {
            assertThat(sentence.getSentence()).isEmpty();
            assertThat(sentence.getUpstreamFinish()).isEqualTo(UpstreamFinish.END);
        });
    }

    private Record<String, TokenDelta> delta(int round, int index, String text, StepEnd end) {
        return new Record<>("r1", TokenDelta.newBuilder().setRequestId("r1").setRound(round).setIndex(index)
                .setText(text).setEnd(end).build(), 0);
    }

    private StepEnd end(UpstreamFinish finish) {
        return StepEnd.newBuilder().setFinish(finish).setGeneratedTokens(4).setUpstreamMs(5).setContext(context1).build();
    }

    private List<SuffixSentence> sentences() {
        return context.forwarded().stream().<SuffixSentence>map(f -> f.record().value()).toList();
    }
}
