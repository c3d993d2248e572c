package io.streamaligner.topology.inprocess;

import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.SentenceAligned;
import io.streamaligner.topology.AlignmentModels;
import io.streamaligner.topology.AlignmentTopology;
import io.streamaligner.topology.ScriptedAligner;
import io.streamaligner.topology.ScriptedUpstream;
import io.streamaligner.topology.TestPrompts;
import io.streamaligner.topology.TestRecords;
import io.streamaligner.topology.Topics;
import io.streamaligner.topology.TopologySettings;
import io.streamaligner.topology.Wiring;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The Kafka-free loop: its own contract, and the same answers as the topology over the same scripted models. */
class InProcessAlignmentLoopTest {

    @TempDir
    Path stateDir;

    private final ScriptedUpstream upstream = new ScriptedUpstream();
    private final ScriptedAligner aligner = new ScriptedAligner();
    private final AlignmentModels models = new AlignmentModels(upstream, TestPrompts.UPSTREAM, aligner, TestPrompts.ALIGNER);

    @Test
    void shouldAlignSentenceBySentenceUntilTheUpstreamEnds() {
        upstream.answer("q", "Two plus two is wrong.", "So the answer is four.");

        AlignedAnswer answer = new InProcessAlignmentLoop(models, TopologySettings.DEFAULTS).run(TestRecords.request("r1", "q"));

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
    void shouldBatchEveryActiveRequestsStepOfARound() {
        upstream.answer("short", "Only one.").answer("long", "One.", "Two.", "Three.");

        List<AlignedAnswer> answers = new InProcessAlignmentLoop(models, TopologySettings.DEFAULTS)
                .run(List.of(TestRecords.request("a", "short"), TestRecords.request("b", "long")));

        assertThat(answers).extracting(AlignedAnswer::requestId, AlignedAnswer::rounds).containsExactly(tuple("a", 1), tuple("b", 3));
        assertThat(upstream.batches()).extracting(List::size).containsExactly(2, 1, 1);
        assertThat(aligner.batches()).extracting(List::size).containsExactly(2, 1, 1);
    }

    @Test
    void shouldRefuseTwoRequestsWithOneId() {
        InProcessAlignmentLoop loop = new InProcessAlignmentLoop(models, TopologySettings.DEFAULTS);

        assertThatThrownBy(() -> loop.run(List.of(TestRecords.request("r1", "q"), TestRecords.request("r1", "q"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("r1");
    }

    @ParameterizedTest
    @EnumSource(Wiring.class)
    void shouldReachTheTopologysAnswersUnderEveryStopRuleAndFailure(Wiring wiring) {
        upstream.answer("plain", "Two plus two is wrong.", "So the answer is wrong.", "Done.")
                .answer("aligner ends", "Five minus two is wrong.", "Therefore it is three.", "Never reached.")
                .answer("many", "One.", "Two.", "Three.", "Four.", "Five.")
                .answer("wordy", "One two three four.", "Five six seven eight.", "Nine ten eleven twelve.")
                .answer("silent")
                .answer("upstream breaks", "Never.").failOn("upstream breaks")
                .answer("aligner breaks", "First.", "Second.");
        aligner.endAnswerOn("Therefore").failOn("aligner breaks");
        List<AlignmentRequest> requests = List.of(
                TestRecords.request("plain", "plain"),
                TestRecords.request("aligner-end", "aligner ends"),
                TestRecords.requestBuilder("max-rounds", "many").setMaxRounds(3).build(),
                TestRecords.requestBuilder("max-tokens", "wordy").setMaxTotalTokens(6).build(),
                TestRecords.request("blank", "silent"),
                TestRecords.request("upstream-fails", "upstream breaks"),
                TestRecords.request("aligner-fails", "aligner breaks"),
                TestRecords.requestBuilder("invalid", "plain").setMaxRounds(0).build());
        TopologySettings settings = TopologySettings.DEFAULTS.withWiring(wiring);

        List<AlignedAnswer> viaTopology = runOnTopology(requests, settings);
        List<AlignedAnswer> inProcess = new InProcessAlignmentLoop(models, settings).run(requests);

        assertThat(inProcess).isEqualTo(viaTopology);
        assertThat(inProcess).extracting(AlignedAnswer::finishReason).containsExactly(
                AnswerFinishReason.UPSTREAM_END, AnswerFinishReason.ALIGNER_END, AnswerFinishReason.MAX_ROUNDS,
                AnswerFinishReason.MAX_TOKENS, AnswerFinishReason.UPSTREAM_END, AnswerFinishReason.ERROR,
                AnswerFinishReason.ERROR, AnswerFinishReason.ERROR);
        assertThat(inProcess.get(4).rounds()).as("a blank first step ends with no rounds").isZero();
    }

    /** The requests through the whole topology on TopologyTestDriver, read back from the responses topic. */
    private List<AlignedAnswer> runOnTopology(List<AlignmentRequest> requests, TopologySettings settings) {
        Topics topics = Topics.defaults();
        Properties config = AlignmentTopology.streamsConfig("in-process-test", "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        List<AlignmentResponse> responses = new ArrayList<>();
        try (TopologyTestDriver driver = new TopologyTestDriver(AlignmentTopology.buildTopology(topics, models, settings),
                config, Instant.ofEpochMilli(1_000_000))) {
            TestInputTopic<String, AlignmentRequest> prompts = driver.createInputTopic(topics.prompts().name(),
                    topics.prompts().keySerde().serializer(), topics.prompts().valueSerde().serializer());
            TestOutputTopic<String, AlignmentResponse> output = driver.createOutputTopic(topics.responses().name(),
                    topics.responses().keySerde().deserializer(), topics.responses().valueSerde().deserializer());
            requests.forEach(request -> prompts.pipeInput(request.getRequestId(), request));
            for (int tick = 0; tick < 1_000 && finals(responses) < requests.size(); tick++) {
                driver.advanceWallClockTime(Duration.ofMillis(2));
                responses.addAll(output.readValuesToList());
            }
        }
        assertThat(finals(responses)).as("final events").isEqualTo(requests.size());
        return requests.stream().map(request -> answerOf(request.getRequestId(), responses)).toList();
    }

    private static long finals(List<AlignmentResponse> responses) {
        return responses.stream().filter(response -> response.getEvent() instanceof AnswerFinal).count();
    }

    private static AlignedAnswer answerOf(String requestId, List<AlignmentResponse> responses) {
        List<Object> events = responses.stream().filter(response -> response.getRequestId().equals(requestId))
                .map(AlignmentResponse::getEvent).toList();
        AnswerFinal answer = events.stream().filter(AnswerFinal.class::isInstance).map(AnswerFinal.class::cast)
                .reduce((first, second) -> {
                    throw new AssertionError("two finals for " + requestId);
                }).orElseThrow();
        List<SentenceCorrection> sentences = events.stream().filter(SentenceAligned.class::isInstance)
                .map(SentenceAligned.class::cast)
                .map(sentence -> new SentenceCorrection(sentence.getRound(), sentence.getOriginal(), sentence.getCorrected()))
                .toList();
        Optional<String> error = events.stream().filter(AlignmentError.class::isInstance).map(AlignmentError.class::cast)
                .map(AlignmentError::getMessage).findFirst();
        return new AlignedAnswer(requestId, answer.getAnswer(), answer.getRounds(), answer.getFinishReason(), sentences,
                answer.getUpstreamTokens(), answer.getAlignerTokens(), error);
    }
}
