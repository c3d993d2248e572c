package io.streamaligner.inference.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaligner.inference.SamplingParams;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GenerationDefaultsTest {

    @Test
    void shouldBeGreedyWhenTheModelDoesNotSample() throws Exception {
        GenerationDefaults defaults = GenerationDefaults.fromJson(new ObjectMapper().readTree(
                "{\"eos_token_id\": [1, 4], \"do_sample\": false, \"repetition_penalty\": 1.1}"));

        SamplingParams sampling = defaults.sampling(7);

        assertThat(sampling.greedy()).isTrue();
        assertThat(sampling.repetitionPenalty()).isEqualTo(1.1);
        assertThat(defaults.eosTokenIds()).containsExactly(1, 4);
    }

    @Test
    void shouldSampleWithTheModelsSettings() throws Exception {
        GenerationDefaults defaults = GenerationDefaults.fromJson(new ObjectMapper().readTree(
                "{\"do_sample\": true, \"temperature\": 0.7, \"top_k\": 40, \"top_p\": 0.95, \"max_new_tokens\": 256}"));

        assertThat(defaults.sampling(9)).isEqualTo(new SamplingParams(0.7, 40, 0.95, 0, 1.0, 9));
        assertThat(defaults.maxNewTokens()).hasValue(256);
    }

    @Test
    void shouldTakeHuggingFaceDefaultsForAbsentFields() throws Exception {
        assertThat(GenerationDefaults.fromJson(new ObjectMapper().readTree("{}")))
                .isEqualTo(GenerationDefaults.HUGGINGFACE);
    }
}
