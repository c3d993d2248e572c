package io.streamaligner.topology.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamaligner.loop.LoopLimits;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.GenerationParams;
import io.streamaligner.server.ApiError;
import io.streamaligner.server.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AlignRequestBodyTest {

    private static final GenerationParams DEFAULTS = GenerationParams.newBuilder().setTemperature(1.0).setTopK(50)
            .setSeed(1).build();
    private static final LoopLimits LIMITS = new LoopLimits(128, 128, 64);

    @Test
    void shouldTakeAQuestionAloneWithTheDefaultSamplingAndRounds() {
        AlignmentRequest request = read("{\"question\": \"What is 23 + 48 - 19?\"}");

        assertThat(request.getQuestion()).isEqualTo("What is 23 + 48 - 19?");
        assertThat(request.getSystemPrompt()).isNull();
        assertThat(request.getGeneration()).isEqualTo(DEFAULTS);
        assertThat(request.getMaxRounds()).isEqualTo(16);
        assertThat(request.getRequestId()).hasSize(36);
        assertThat(read("{\"question\": \"q\"}").getRequestId()).as("each request its own id")
                .isNotEqualTo(request.getRequestId());
    }

    @Test
    void shouldTakeEveryFieldAndKeepTheDefaultsOfGenerationFieldsLeftOut() {
        AlignmentRequest request = read("{\"question\": \"q\", \"system\": \"Be brief.\", \"max_rounds\": 4,"
                + " \"generation\": {\"temperature\": 0, \"seed\": 42, \"max_new_tokens\": 32, \"top_p\": 0.9,"
                + " \"frequency_penalty\": 0.5, \"repetition_penalty\": 1.1}}");

        assertThat(request.getSystemPrompt()).isEqualTo("Be brief.");
        assertThat(request.getMaxRounds()).isEqualTo(4);
        GenerationParams generation = request.getGeneration();
        assertThat(generation.getTemperature()).isZero();
        assertThat(generation.getSeed()).isEqualTo(42);
        assertThat(generation.getMaxNewTokensPerStep()).isEqualTo(32);
        assertThat(generation.getTopP()).isEqualTo(0.9);
        assertThat(generation.getFrequencyPenalty()).isEqualTo(0.5);
        assertThat(generation.getRepetitionPenalty()).isEqualTo(1.1);
        assertThat(generation.getTopK()).as("left out: the default's").isEqualTo(50);
        assertThat(read("{\"question\": \"q\", \"system\": null, \"generation\": null}").getGeneration()).isEqualTo(DEFAULTS);
    }

    @Test
    void shouldRefuseWhatItCannotTakeNamingTheField() {
        assertRefused("{}", "question", "'question' is required");
        assertRefused("{\"question\": 7}", "question", "'question' must be a string, was 7");
        assertRefused("{\"question\": \"q\", \"max_round\": 3}", "max_round",
                "Unknown field 'max_round'; the body takes question, system, generation, max_rounds.");
        assertRefused("{\"question\": \"q\", \"generation\": {\"temp\": 1}}", "generation.temp",
                "Unknown field 'generation.temp'; 'generation' takes temperature, top_p, top_k, frequency_penalty, "
                        + "repetition_penalty, seed, max_new_tokens.");
        assertRefused("{\"question\": \"q\", \"generation\": [1]}", "generation", "'generation' must be an object");
        assertRefused("{\"question\": \"q\", \"generation\": {\"temperature\": \"hot\"}}", "generation.temperature",
                "'generation.temperature' must be a number, was \"hot\"");
        assertRefused("{\"question\": \"q\", \"generation\": {\"seed\": 1.5}}", "generation.seed",
                "'generation.seed' must be a whole number, was 1.5");
        assertRefused("{\"question\": \"q\", \"max_rounds\": 3000000000}", "max_rounds",
                "'max_rounds' must be a whole number (32-bit), was 3000000000");
        assertRefused("{\"question\": \"q\", \"system\": true}", "system", "'system' must be a string, was boolean");
    }

    @Test
    void shouldRefuseARequestTheLoopWouldRefuseBeforeItIsSent() {
        assertRefused("{\"question\": \"   \"}", null, "The request cannot be aligned: question is blank");
        assertRefused("{\"question\": \"" + "x".repeat(65) + "\"}", null,
                "The request cannot be aligned: question is 65 bytes (UTF-8), more than the 64 allowed");
        assertRefused("{\"question\": \"q\", \"max_rounds\": 0}", null,
                "The request cannot be aligned: max_rounds must be positive, got 0");
        assertRefused("{\"question\": \"q\", \"generation\": {\"temperature\": -1}}", null,
                "The request cannot be aligned: temperature");
    }

    private static AlignmentRequest read(String body) {
        return AlignRequestBody.read(object(body), DEFAULTS, LIMITS);
    }

    private static void assertRefused(String body, String param, String message) {
        assertThatThrownBy(() -> read(body)).isInstanceOfSatisfying(ApiError.class, error -> {
            assertThat(error.status()).isEqualTo(400);
            assertThat(error.getMessage()).startsWith(message);
            assertThat(error.toJson().path("error").path("param").isNull() ? null
                    : error.toJson().path("error").path("param").asText()).isEqualTo(param);
        });
    }

    private static ObjectNode object(String json) {
        return Json.readObject(json.getBytes(StandardCharsets.UTF_8));
    }
}
