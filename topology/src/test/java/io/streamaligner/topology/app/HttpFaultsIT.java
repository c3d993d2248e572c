package io.streamaligner.topology.app;

import io.streamaligner.client.AlignmentClient;
import io.streamaligner.client.AlignmentRequests;
import io.streamaligner.client.ResponseListener;
import io.streamaligner.inference.http.HttpModelSettings;
import io.streamaligner.inference.http.HttpTextGenerator;
import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.loop.testing.ScriptedAligner;
import io.streamaligner.loop.testing.TestPrompts;
import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AlignmentStage;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.topology.broker.EmbeddedKafkaBroker;
import io.streamaligner.topology.config.ProcessingGuarantee;
import io.streamaligner.topology.config.StreamAlignerConfig;
import io.streamaligner.topology.testing.ScriptedChatServer;
import io.streamaligner.topology.testing.ScriptedChatServer.Fault;
import io.streamaligner.topology.testing.SharedKafkaBroker;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The loop over an upstream behind a real local HTTP server that fails ({@link ScriptedChatServer}): a 500, a 429 with
 * {@code Retry-After}, a stream that hangs past the chunk timeout, a connection reset mid-stream and a malformed chunk
 * are each tried again as configured ({@code streamaligner.inference.max-attempts} 3), then end that request with an
 * upstream error and an {@code ERROR} final; requests submitted with them are answered, none is left waiting.
 */
@Tag("integration")
@ExtendWith(SharedKafkaBroker.class)
class HttpFaultsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int ATTEMPTS = 3;

    @Test
    @SuppressWarnings("try") // the application runs while the body talks to it through the broker
    void shouldRetryEachFaultAsConfiguredThenEndOnlyItsRequestWithAnError(EmbeddedKafkaBroker broker) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(Map.of(
                StreamAlignerConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                StreamAlignerConfig.APPLICATION_ID, "faults-" + run,
                StreamAlignerConfig.PROCESSING_GUARANTEE, ProcessingGuarantee.EXACTLY_ONCE_V2.configValue(),
                StreamAlignerConfig.TOPIC_PREFIX, "faults-" + run + ".",
                StreamAlignerConfig.INFERENCE_MAX_ATTEMPTS, String.valueOf(ATTEMPTS),
                StreamAlignerConfig.INFERENCE_RETRY_BACKOFF_MS, "20"));
        Map<String, Fault> faults = new LinkedHashMap<>();
        for (Fault fault : Fault.values()) {
            if (fault != Fault.NONE) {
                faults.put("fault " + fault.name().toLowerCase(), fault);
            }
        }
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            faults.forEach(server::fail);
            for (int i = 1; i <= 4; i++) {
                server.answer("question " + i, "Answer " + i + " is fine.", "It is checked.");
            }
            HttpModelSettings defaults = HttpModelSettings.defaults(URI.create(server.baseUrl()));
            HttpModelSettings settings = new HttpModelSettings(defaults.baseUrl(), defaults.api(), defaults.server(),
                    ScriptedChatServer.MODEL, defaults.apiKey(), defaults.connectTimeout(), Duration.ofSeconds(1),
                    Duration.ofSeconds(1), defaults.endOfAnswerToken(), defaults.bosToken());
            try (HttpTextGenerator upstream = HttpTextGenerator.open(settings);
                 AlignmentApplication application = AlignmentApplication.start(config,
                         new AlignmentModels(upstream, TestPrompts.UPSTREAM, new ScriptedAligner(), TestPrompts.ALIGNER));
                 AlignmentClient client = AlignmentClient.connect(config.kafkaProperties(), config.topicNames(), WAIT)) {
                Map<String, Errors> errors = new LinkedHashMap<>();
                Map<String, CompletableFuture<AnswerFinal>> answers = new LinkedHashMap<>();
                List<String> questions = new ArrayList<>(faults.keySet());
                for (int i = 1; i <= 4; i++) {
                    questions.add("question " + i);
                }
                for (String question : questions) {
                    Errors recorder = new Errors();
                    errors.put(question, recorder);
                    answers.put(question, client.submit(AlignmentRequests.builder(question.replace(' ', '-'), question)
                            .setGeneration(AlignmentRequests.greedy()).setMaxRounds(4).build(), recorder));
                }
                CompletableFuture.allOf(answers.values().toArray(CompletableFuture[]::new)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

                for (String question : faults.keySet()) {
                    AnswerFinal answer = answers.get(question).join();
                    assertThat(answer.getFinishReason()).as(question + "'s final").isEqualTo(AnswerFinishReason.ERROR);
                    assertThat(errors.get(question).errors).as(question + "'s errors").singleElement().satisfies(error -> {
                        assertThat(error.getStage()).isEqualTo(AlignmentStage.UPSTREAM);
                        assertThat(error.getRound()).isEqualTo(1);
                    });
                    assertThat(recordedRequests(server, question, ATTEMPTS)).as(question + "'s attempts").hasSize(ATTEMPTS);
                }
                List<Long> throttled = server.requests("fault too_many_requests");
                for (int i = 1; i < throttled.size(); i++) {
                    assertThat(Duration.ofNanos(throttled.get(i) - throttled.get(i - 1))).as("waited out Retry-After: 1")
                            .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
                }
                for (int i = 1; i <= 4; i++) {
                    AnswerFinal answer = answers.get("question " + i).join();
                    assertThat(answer.getFinishReason()).isEqualTo(AnswerFinishReason.UPSTREAM_END);
                    assertThat(answer.getAnswer()).isEqualTo("Answer " + i + " is fine. It is checked.");
                    assertThat(errors.get("question " + i).errors).isEmpty();
                }
            }
        }
    }

    /**
     * The server's record of a question's requests once it holds {@code expected} of them, or after 10 s: the client
     * may give an attempt up (a timeout counts from its submission) before the server, on a busy machine, has read it.
     */
    private static List<Long> recordedRequests(ScriptedChatServer server, String question, int expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (server.requests(question).size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return server.requests(question);
    }

    private static final class Errors implements ResponseListener {

        final List<AlignmentError> errors = new CopyOnWriteArrayList<>();

        @Override
        public void onError(AlignmentError error) {
            errors.add(error);
        }
    }
}
