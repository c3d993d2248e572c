package io.streamaligner.topology.client;

import io.streamaligner.inference.SamplingParams;
import io.streamaligner.inference.model.GenerationDefaults;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.GenerationParams;
import io.streamaligner.topology.config.BundledModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

class AlignmentRequestsTest {

    @Test
    void shouldBuildARequestWithAFreshIdAndTheSchemaDefaults() {
        AlignmentRequest first = AlignmentRequests.builder("What is 3 + 4 - 2?").build();
        AlignmentRequest second = AlignmentRequests.builder("What is 3 + 4 - 2?").build();

        assertThat(first.getRequestId()).isNotBlank().isNotEqualTo(second.getRequestId());
        assertThat(first.getQuestion()).isEqualTo("What is 3 + 4 - 2?");
        assertThat(first.getSystemPrompt()).isNull();
        assertThat(first.getMaxRounds()).isEqualTo(16);
        assertThat(first.getGeneration()).isEqualTo(AlignmentRequests.greedy());
        assertThat(first.getGeneration().getTemperature()).isZero();
        assertThat(first.getCreatedAtMs()).isPositive();
    }

    @Test
    void shouldCarryTheModelsRecommendedSamplingWithTheSeed() {
        GenerationDefaults sampling = new GenerationDefaults(true, 0.8, 40, 0.95, 1.1, List.of(), OptionalInt.empty());

        GenerationParams generation = AlignmentRequests.recommended(sampling, 42);

        assertThat(generation.getTemperature()).isEqualTo(0.8);
        assertThat(generation.getTopK()).isEqualTo(40);
        assertThat(generation.getTopP()).isEqualTo(0.95);
        assertThat(generation.getRepetitionPenalty()).isEqualTo(1.1);
        assertThat(generation.getSeed()).isEqualTo(42);
        assertThat(generation.getMaxNewTokensPerStep()).isEqualTo(AlignmentRequests.greedy().getMaxNewTokensPerStep());
    }

    @Test
    void shouldStayGreedyWhenTheModelDoesNotSample() {
        GenerationParams generation = AlignmentRequests.recommended(GenerationDefaults.HUGGINGFACE, 7);

        assertThat(generation.getTemperature()).isZero();
        assertThat(generation.getSeed()).isEqualTo(7);
    }

    @Test
    void shouldReadTheRecommendationFromAModelFolder(@TempDir Path folder) throws Exception {
        Path bundled = BundledModels.folder(BundledModels.UPSTREAM);
        for (String file : List.of("config.json", "tokenizer.json", "model.onnx")) {
            Files.copy(bundled.resolve(file), folder.resolve(file));
        }
        Files.writeString(folder.resolve("generation_config.json"), "{\"do_sample\": true, \"temperature\": 1.0, \"top_k\": 0}");

        GenerationParams generation = AlignmentRequests.recommended(folder, 3);

        assertThat(generation.getTemperature()).isEqualTo(1.0);
        assertThat(generation.getTopK()).isZero();
        assertThat(generation.getSeed()).isEqualTo(3);
    }

    @Test
    void shouldTurnSamplingParametersIntoGenerationParameters() {
        GenerationParams generation = AlignmentRequests.generation(new SamplingParams(0.7, 40, 0.95, 1.2, 1.0, 9));

        assertThat(generation.getFrequencyPenalty()).isEqualTo(1.2);
        assertThat(generation.getTemperature()).isEqualTo(0.7);
        assertThat(generation.getSeed()).isEqualTo(9);
    }
}
