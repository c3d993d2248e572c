package io.streamaligner.topology.app;

import io.streamaligner.client.Topics;
import io.streamaligner.inference.onnx.EngineOptions;
import io.streamaligner.inference.onnx.OnnxTextGenerator;
import io.streamaligner.loop.inprocess.AlignedAnswer;
import io.streamaligner.loop.inprocess.InProcessAlignmentLoop;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.server.OpenAiServer;
import io.streamaligner.server.ServeSettings;
import io.streamaligner.topology.Wiring;
import io.streamaligner.topology.broker.EmbeddedKafkaBroker;
import io.streamaligner.topology.config.BundledModels;
import io.streamaligner.topology.config.ProcessingGuarantee;
import io.streamaligner.topology.config.StreamAlignerConfig;
import io.streamaligner.topology.testing.SharedKafkaBroker;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

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
 * The Kafka loop with both models behind real OpenAI-compatible servers on loopback ({@link OpenAiServer}, what
 * {@code serve} runs), reached through the HTTP backend the configuration selects with {@code streamaligner.*.url}:
 * with greedy decoding, fifty concurrent prompts get exactly the answers of the engines run in-process.
 */
@Tag("integration")
@ExtendWith(SharedKafkaBroker.class)
class HttpBackendsIT {

    @Test
    void shouldAnswerFiftyConcurrentPromptsOverTheChatApiExactlyAsTheEmbeddedEngines(EmbeddedKafkaBroker broker) throws Exception {
        List<AlignmentRequest> requests = greedyToyRequests(PROMPTS);
        List<AlignedAnswer> embedded;
        try (LoadedModels models = LoadedModels.open(StreamAlignerConfig.fromSettings(Map.of()))) {
            embedded = new InProcessAlignmentLoop(models.models(), LIMITS).run(requests);
        }

        List<AlignedAnswer> overHttp;
        StreamAlignerConfig config;
        try (OnnxTextGenerator upstreamEngine = OnnxTextGenerator.open(BundledModels.folder(BundledModels.UPSTREAM), EngineOptions.cpu());
             OnnxTextGenerator alignerEngine = OnnxTextGenerator.open(BundledModels.folder(BundledModels.ALIGNER), EngineOptions.cpu());
             OpenAiServer upstreamServer = OpenAiServer.start(ServeSettings.defaults("toy-upstream"), upstreamEngine);
             OpenAiServer alignerServer = OpenAiServer.start(ServeSettings.defaults("toy-aligner"), alignerEngine)) {
            config = config(broker.bootstrapServers(), ProcessingGuarantee.EXACTLY_ONCE_V2, Wiring.IN_MEMORY, Map.of(
                    StreamAlignerConfig.UPSTREAM_URL, upstreamServer.baseUrl().toString(),
                    StreamAlignerConfig.ALIGNER_URL, alignerServer.baseUrl().toString()));
            assertThat(config.upstream().server()).isPresent();
            try (AlignmentApplication application = AlignmentApplication.start(config)) {
                overHttp = askConcurrently(application.config(), requests);
            }
        }

        Map<String, List<Object>> committed = committedEventsByRequest(broker.bootstrapServers(), config.topic(Topics.RESPONSES));
        assertThat(committed).hasSize(PROMPTS);
        assertThat(committed).allSatisfy((requestId, events) ->
                assertThat(events).filteredOn(AnswerFinal.class::isInstance).as("finals of " + requestId).hasSize(1));
        assertThat(overHttp).isEqualTo(embedded);
    }
}
