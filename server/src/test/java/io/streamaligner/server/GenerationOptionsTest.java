package io.streamaligner.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaligner.inference.SamplingParams;
import io.streamaligner.inference.model.GenerationDefaults;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GenerationOptionsTest {

    private static final GenerationDefaults SAMPLES = new GenerationDefaults(true, 0.7, 40, 0.9, 1.1, List.of(),
            OptionalInt.empty());
    private static final ServedModel MODEL = new ServedModel("toy", Optional.empty(), SAMPLES, Optional.empty(), 512,
            0, 100);

    @Test
    void shouldTakeTheModelsRecommendationsForWhatIsNotSent() {
        GenerationOptions options = parse("{\"seed\": 3}");

        assertThat(options.sampling()).isEqualTo(new SamplingParams(0.7, 40, 0.9, 0, 1.1, 3));
        assertThat(options.maxTokens()).isEqualTo(100);
        assertThat(options.minTokens()).isZero();
        assertThat(options.stop()).isEmpty();
        assertThat(options.stream()).isFalse();
        assertThat(options.includeUsage()).isFalse();
    }

    @Test
    void shouldReadEveryField() {
        GenerationOptions options = parse("{\"model\": \"toy\", \"n\": 1, \"stream\": true, \"stream_options\": {\"include_usage\": true},"
                + " \"max_tokens\": 9, \"max_completion_tokens\": 12, \"min_tokens\": 2, \"temperature\": 0, \"top_p\": 0.5,"
                + " \"top_k\": -1, \"frequency_penalty\": 0.5, \"repetition_penalty\": 1.2, \"seed\": 42,"
                + " \"stop\": [\"\\n\", \"END\"], \"logprobs\": false, \"unknown_field\": {\"x\": 1},"
                // the neutral values of fields it cannot take are no request for them
                + " \"top_logprobs\": 0, \"logit_bias\": {}, \"stop_token_ids\": [], \"include_stop_str_in_output\": false,"
                + " \"ignore_eos\": false, \"min_p\": 0}");

        assertThat(options.sampling()).isEqualTo(new SamplingParams(0, 0, 0.5, 0.5, 1.2, 42));
        assertThat(options.maxTokens()).isEqualTo(12);
        assertThat(options.minTokens()).isEqualTo(2);
        assertThat(options.stop()).containsExactly("\n", "END");
        assertThat(options.stream()).isTrue();
        assertThat(options.includeUsage()).isTrue();
    }

    @Test
    void shouldTakeOneStopStringAndNulls() {
        GenerationOptions options = parse("{\"stop\": \"\\n\", \"temperature\": null, \"seed\": 1, \"max_tokens\": 5.0}");

        assertThat(options.stop()).containsExactly("\n");
        assertThat(options.sampling().temperature()).isEqualTo(0.7);
        assertThat(options.maxTokens()).isEqualTo(5);
    }

    @Test
    void shouldAnswer404ForAnotherModel() {
        assertThatThrownBy(() -> parse("{\"model\": \"gpt-5\"}")).isInstanceOfSatisfying(ApiError.class, error -> {
            assertThat(error.status()).isEqualTo(404);
            assertThat(error.toJson().path("error").path("code").asText()).isEqualTo("model_not_found");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"n\": 2}",
            "{\"temperature\": \"hot\"}",
            "{\"temperature\": -1}",
            "{\"top_p\": 0}",
            "{\"top_k\": -2}",
            "{\"max_tokens\": 0}",
            "{\"max_tokens\": 2.5}",
            "{\"max_tokens\": \"10\"}",
            "{\"min_tokens\": 200}",
            "{\"frequency_penalty\": 3}",
            "{\"repetition_penalty\": 0}",
            "{\"seed\": \"x\"}",
            "{\"stop\": 5}",
            "{\"stop\": [\"a\", 1]}",
            "{\"stop\": [\"\"]}",
            "{\"stream\": \"yes\"}",
            "{\"stream_options\": {\"include_usage\": true}}",
            "{\"logprobs\": true}",
            "{\"top_logprobs\": 3}",
            "{\"logit_bias\": {\"42\": -100}}",
            "{\"stop_token_ids\": [2]}",
            "{\"include_stop_str_in_output\": true}",
            "{\"ignore_eos\": true}",
            "{\"min_p\": 0.05}",
            "{\"presence_penalty\": 1}",
            "{\"model\": 5}"})
    void shouldRejectMalformedFieldsWithA400(String body) {
        assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(ApiError.class,
                error -> assertThat(error.status()).isEqualTo(400));
    }

    private static GenerationOptions parse(String json) {
        return GenerationOptions.parse(new RequestFields(Json.readObject(json.getBytes(StandardCharsets.UTF_8))), MODEL);
    }
}
