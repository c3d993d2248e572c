package io.streamaligner.topology;

import io.streamaligner.client.Topics;
import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.loop.inprocess.AlignedAnswer;
import io.streamaligner.loop.inprocess.InProcessAlignmentLoop;
import io.streamaligner.loop.testing.ScriptedAligner;
import io.streamaligner.loop.testing.ScriptedUpstream;
import io.streamaligner.loop.testing.TestPrompts;
import io.streamaligner.loop.testing.TestRecords;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.topology.AlignmentTopology;
import io.streamaligner.topology.TopologySettings;
import io.streamaligner.topology.Wiring;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The Kafka-free loop reaches the topology's answers over the same scripted models, under every stop rule and failure. */
class InProcessEquivalenceTest {

    @TempDir
    Path stateDir;

    private final ScriptedUpstream upstream = new ScriptedUpstream();
    private final ScriptedAligner aligner = new ScriptedAligner();
    private final AlignmentModels models = new AlignmentModels(upstream, TestPrompts.UPSTREAM, aligner, TestPrompts.ALIGNER);

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
        List<AlignedAnswer> inProcess = new InProcessAlignmentLoop(models, settings.limits()).run(requests);

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
        List<AlignmentResponse> events = responses.stream().filter(response -> response.getRequestId().equals(requestId)).toList();
        assertThat(events).filteredOn(event -> event.getEvent() instanceof AnswerFinal).as("finals of " + requestId).hasSize(1);
        return AlignedAnswer.fromEvents(events);
    }
}
