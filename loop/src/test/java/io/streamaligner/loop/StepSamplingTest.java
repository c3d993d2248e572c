package io.streamaligner.loop;

import io.streamaligner.inference.SamplingParams;
import io.streamaligner.inference.model.GenerationDefaults;
import io.streamaligner.schemas.GenerationParams;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

class StepSamplingTest {

    @Test
    void shouldCarryTheModelsRecommendedSamplingWithTheSeed() {
        GenerationDefaults sampling = new GenerationDefaults(true, 0.8, 40, 0.95, 1.1, List.of(), OptionalInt.empty());

        GenerationParams generation = StepSampling.recommended(sampling, 42);

        assertThat(generation.getTemperature()).isEqualTo(0.8);
        assertThat(generation.getTopK()).isEqualTo(40);
        assertThat(generation.getTopP()).isEqualTo(0.95);
        assertThat(generation.getRepetitionPenalty()).isEqualTo(1.1);
        assertThat(generation.getSeed()).isEqualTo(42);
        assertThat(generation.getMaxNewTokensPerStep()).isEqualTo(GenerationParams.newBuilder().build().getMaxNewTokensPerStep());
    }

    @Test
    void shouldStayGreedyWhenTheModelDoesNotSample() {
        GenerationParams generation = StepSampling.recommended(GenerationDefaults.HUGGINGFACE, 7);

        assertThat(generation.getTemperature()).isZero();
        assertThat(generation.getSeed()).isEqualTo(7);
    }

    @Test
    void shouldTurnSamplingParametersIntoGenerationParameters() {
        GenerationParams generation = StepSampling.generationParams(new SamplingParams(0.7, 40, 0.95, 1.2, 1.0, 9));

        assertThat(generation.getFrequencyPenalty()).isEqualTo(1.2);
        assertThat(generation.getTemperature()).isEqualTo(0.7);
        assertThat(generation.getSeed()).isEqualTo(9);
        assertThat(StepSampling.upstream(generation, 1).temperature()).isEqualTo(0.7);
    }
}
