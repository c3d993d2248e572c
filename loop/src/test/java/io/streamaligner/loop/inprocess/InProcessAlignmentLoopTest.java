package io.streamaligner.loop.inprocess;

import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.loop.LoopLimits;
import io.streamaligner.loop.testing.ScriptedAligner;
import io.streamaligner.loop.testing.ScriptedUpstream;
import io.streamaligner.loop.testing.TestPrompts;
import io.streamaligner.loop.testing.TestRecords;
import io.streamaligner.schemas.AnswerFinishReason;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The Kafka-free loop's own contract; its equality with the topology is checked in the topology's tests. */
class InProcessAlignmentLoopTest {

    private final ScriptedUpstream upstream = new ScriptedUpstream();
    private final ScriptedAligner aligner = new ScriptedAligner();
    private final AlignmentModels models = new AlignmentModels(upstream, TestPrompts.UPSTREAM, aligner, TestPrompts.ALIGNER);
    private final InProcessAlignmentLoop loop = new InProcessAlignmentLoop(models, LoopLimits.DEFAULTS);

    @Test
    void shouldAlignSentenceBySentenceUntilTheUpstreamEnds() {
        upstream.answer("q", "Two plus two is wrong.", "So the answer is four.");

        AlignedAnswer answer = loop.run(TestRecords.request("r1", "q"));

        assertThat(answer.answer()).isEqualTo("Two plus two is right. So the answer is four.");
        assertThat(answer.rounds()).isEqualTo(2);
        assertThat(answer.finishReason()).isEqualTo(AnswerFinishReason.UPSTREAM_END);
        assertThat(answer.sentences()).extracting(SentenceCorrection::round, SentenceCorrection::original,
                        SentenceCorrection::corrected, SentenceCorrection::changed)
                .containsExactly(tuple(1, "Two plus two is wrong.", "Two plus two is right.", true),
                        tuple(2, "So the answer is four.", "So the answer is four.", false));
        assertThat(answer.error()).isEmpty();
    }

    @Test
    void shouldStepEveryActiveRequestEachRound() {
        upstream.answer("short", "Only one.").answer("long", "One.", "Two.", "Three.");

        List<AlignedAnswer> answers = loop.run(List.of(TestRecords.request("a", "short"), TestRecords.request("b", "long")));

        assertThat(answers).extracting(AlignedAnswer::requestId, AlignedAnswer::rounds).containsExactly(tuple("a", 1), tuple("b", 3));
        assertThat(upstream.calls()).extracting(CompletionRequest::id).containsExactly("a", "b", "b", "b");
        assertThat(aligner.calls()).extracting(CompletionRequest::id).containsExactly("a", "b", "b", "b");
    }

    @Test
    void shouldEndOnlyTheFailingRequestOfABatch() {
        upstream.answer("fine", "One.", "Two.").answer("breaks", "Never.").failOn("breaks");

        List<AlignedAnswer> answers = loop.run(List.of(TestRecords.request("a", "fine"), TestRecords.request("b", "breaks")));

        assertThat(answers).extracting(AlignedAnswer::finishReason)
                .containsExactly(AnswerFinishReason.UPSTREAM_END, AnswerFinishReason.ERROR);
        assertThat(answers.get(1).error()).hasValueSatisfying(message -> assertThat(message).contains("breaks"));
    }

    @Test
    void shouldRefuseTwoRequestsWithOneId() {
        assertThatThrownBy(() -> loop.run(List.of(TestRecords.request("r1", "q"), TestRecords.request("r1", "q"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("r1");
    }
}
