package io.streamaligner.topology.app;

import io.streamaligner.client.Topics;
import io.streamaligner.loop.inprocess.AlignedAnswer;
import io.streamaligner.loop.inprocess.InProcessAlignmentLoop;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.topology.config.ProcessingGuarantee;
import io.streamaligner.topology.config.StreamAlignerConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import java.util.List;
import java.util.Map;

import static io.streamaligner.topology.testing.ConcurrentPromptsScenario.LIMITS;
import static io.streamaligner.topology.testing.ConcurrentPromptsScenario.PROMPTS;
import static io.streamaligner.topology.testing.ConcurrentPromptsScenario.askConcurrently;
import static io.streamaligner.topology.testing.ConcurrentPromptsScenario.committedEventsByRequest;
import static io.streamaligner.topology.testing.ConcurrentPromptsScenario.config;
import static io.streamaligner.topology.testing.ConcurrentPromptsScenario.greedyToyRequests;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scenario of {@link AlignmentApplicationIT} on a broker as deployments run it: the apache/kafka image (KRaft,
 * single node) in a container. Skipped where no Docker engine is reachable.
 */
@Tag("integration")
@Testcontainers(disabledWithoutDocker = true)
class AlignmentApplicationContainerIT {

    /** The Kafka release the project is built against, as docker-compose.yml runs it. */
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.4.0");

    @Test
    void shouldGiveEachOfFiftyConcurrentPromptsOneFinalEqualToTheInProcessAnswer() throws Exception {
        StreamAlignerConfig config = config(KAFKA.getBootstrapServers(), ProcessingGuarantee.EXACTLY_ONCE_V2);
        List<AlignmentRequest> requests = greedyToyRequests(PROMPTS);

        List<AlignedAnswer> kafkaAnswers;
        List<AlignedAnswer> inProcessAnswers;
        try (LoadedModels models = LoadedModels.open(config)) {
            inProcessAnswers = new InProcessAlignmentLoop(models.models(), LIMITS).run(requests);
            try (AlignmentApplication application = AlignmentApplication.start(config, models.models())) {
                kafkaAnswers = askConcurrently(application.config(), requests);
            }
        }

        Map<String, List<Object>> committed = committedEventsByRequest(KAFKA.getBootstrapServers(), config.topic(Topics.RESPONSES));
        assertThat(committed).hasSize(PROMPTS);
        assertThat(committed).allSatisfy((requestId, events) ->
                assertThat(events).filteredOn(AnswerFinal.class::isInstance).as("finals of " + requestId).hasSize(1));
        assertThat(kafkaAnswers).isEqualTo(inProcessAnswers);
    }
}
