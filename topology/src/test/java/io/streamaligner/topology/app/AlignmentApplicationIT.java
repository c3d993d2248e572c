package io.streamaligner.topology.app;

import io.streamaligner.client.Topics;
import io.streamaligner.loop.inprocess.AlignedAnswer;
import io.streamaligner.loop.inprocess.InProcessAlignmentLoop;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.topology.Wiring;
import io.streamaligner.topology.broker.EmbeddedKafkaBroker;
import io.streamaligner.topology.config.ProcessingGuarantee;
import io.streamaligner.topology.config.StreamAlignerConfig;
import io.streamaligner.topology.processor.RecordDecoder;
import io.streamaligner.topology.testing.SharedKafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.streamaligner.topology.testing.ConcurrentPromptsScenario.LIMITS;
import static io.streamaligner.topology.testing.ConcurrentPromptsScenario.PROMPTS;
import static io.streamaligner.topology.testing.ConcurrentPromptsScenario.askConcurrently;
import static io.streamaligner.topology.testing.ConcurrentPromptsScenario.committedEventsByRequest;
import static io.streamaligner.topology.testing.ConcurrentPromptsScenario.config;
import static io.streamaligner.topology.testing.ConcurrentPromptsScenario.greedyToyRequests;
import static io.streamaligner.topology.testing.IntegrationTestUtils.consumeUntil;
import static io.streamaligner.topology.testing.IntegrationTestUtils.produceSynchronously;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The application on the shared embedded broker with the bundled models on the real engine: the Kafka loop must
 * change nothing but latency, so with greedy decoding its answers equal the in-process loop's over the same models.
 */
@Tag("integration")
@ExtendWith(SharedKafkaBroker.class)
class AlignmentApplicationIT {

    private static LoadedModels models;
    private static List<AlignmentRequest> requests;
    private static List<AlignedAnswer> inProcessAnswers;

    @BeforeAll
    static void answerTheRequestsWithoutKafka() {
        // the bundled folders; one intra-op thread each, as the machine's cores are shared with the broker and Streams
        models = LoadedModels.open(StreamAlignerConfig.fromSettings(Map.of()));
        requests = greedyToyRequests(PROMPTS);
        inProcessAnswers = new InProcessAlignmentLoop(models.models(), LIMITS).run(requests);
    }

    @AfterAll
    static void closeModels() {
        if (models != null) {
            models.close();
        }
    }

    static Stream<Arguments> loops() {
        return Stream.of(
                Arguments.of(Wiring.IN_MEMORY, ProcessingGuarantee.EXACTLY_ONCE_V2),
                Arguments.of(Wiring.TOPICS, ProcessingGuarantee.EXACTLY_ONCE_V2),
                Arguments.of(Wiring.IN_MEMORY, ProcessingGuarantee.AT_LEAST_ONCE));
    }

    @ParameterizedTest(name = "{0} wiring, {1}")
    @MethodSource("loops")
    void shouldGiveEachOfFiftyConcurrentPromptsOneFinalEqualToTheInProcessAnswer(Wiring wiring, ProcessingGuarantee guarantee,
                                                                                  EmbeddedKafkaBroker broker) throws Exception {
        StreamAlignerConfig config = config(broker.bootstrapServers(), guarantee, wiring);

        List<AlignedAnswer> kafkaAnswers;
        try (AlignmentApplication application = AlignmentApplication.start(config, models.models())) {
            kafkaAnswers = askConcurrently(application.config(), requests);
        }

        Map<String, List<Object>> committed = committedEventsByRequest(broker.bootstrapServers(), config.topic(Topics.RESPONSES));
        assertThat(committed).hasSize(PROMPTS);
        assertThat(committed).allSatisfy((requestId, events) -> {
            assertThat(events).filteredOn(AnswerFinal.class::isInstance).as("finals of " + requestId).hasSize(1);
            assertThat(events.get(events.size() - 1)).as("last event of " + requestId).isInstanceOf(AnswerFinal.class);
        });
        assertThat(kafkaAnswers).isEqualTo(inProcessAnswers);
    }

    @Test
    void shouldSendAnUnreadablePromptToTheDeadLetterTopicAndServeTheOthers(EmbeddedKafkaBroker broker) throws Exception {
        StreamAlignerConfig config = config(broker.bootstrapServers(), ProcessingGuarantee.EXACTLY_ONCE_V2);
        byte[] garbage = "not an avro record".getBytes(StandardCharsets.UTF_8);

        List<AlignedAnswer> served;
        List<ConsumerRecord<String, byte[]>> deadLetters;
        try (AlignmentApplication application = AlignmentApplication.start(config, models.models())) {
            produceSynchronously(broker.bootstrapServers(), config.topic(Topics.PROMPTS), List.of(KeyValue.pair("bad", garbage)),
                    new StringSerializer(), new ByteArraySerializer());
            served = askConcurrently(application.config(), requests.subList(0, 3));
            deadLetters = consumeUntil(broker.bootstrapServers(), config.topic(Topics.DEAD_LETTER), new StringDeserializer(),
                    new ByteArrayDeserializer(), records -> !records.isEmpty(), Duration.ofSeconds(60));
        }

        assertThat(deadLetters).hasSize(1);
        ConsumerRecord<String, byte[]> deadLetter = deadLetters.get(0);
        assertThat(deadLetter.key()).isEqualTo("bad");
        assertThat(deadLetter.value()).isEqualTo(garbage);
        assertThat(header(deadLetter, RecordDecoder.HEADER_REASON)).isEqualTo("MALFORMED");
        assertThat(header(deadLetter, RecordDecoder.HEADER_TOPIC)).isEqualTo(config.topic(Topics.PROMPTS));
        assertThat(served).isEqualTo(inProcessAnswers.subList(0, 3));
    }

    @Test
    void shouldRefuseToStartWhenPromptsAndFeedbackDifferInPartitions(EmbeddedKafkaBroker broker) {
        StreamAlignerConfig config = config(broker.bootstrapServers(), ProcessingGuarantee.EXACTLY_ONCE_V2);
        broker.createTopic(config.topic(Topics.PROMPTS), 2);
        broker.createTopic(config.topic(Topics.FEEDBACK), 3);

        assertThatThrownBy(() -> AlignmentApplication.start(config, models.models()))
                .isInstanceOf(ApplicationStartException.class)
                .hasMessageContaining(config.topic(Topics.PROMPTS) + " (2 partitions)")
                .hasMessageContaining("same number of partitions");
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
