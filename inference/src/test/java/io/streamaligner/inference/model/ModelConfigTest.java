package io.streamaligner.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaligner.inference.ModelFolderException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelConfigTest {

    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    @Test
    void shouldReadALlamaConfig() throws Exception {
        ModelConfig config = ModelConfig.fromJson(json("""
                {"model_type": "llama", "vocab_size": 128256, "hidden_size": 4096, "num_hidden_layers": 32,
                 "num_attention_heads": 32, "num_key_value_heads": 8, "max_position_embeddings": 8192,
                 "bos_token_id": 128000, "eos_token_id": [128001, 128009]}"""));

        assertThat(config.layers()).isEqualTo(32);
        assertThat(config.keyValueHeads()).isEqualTo(8);
        assertThat(config.headDim()).as("hidden / heads when head_dim is absent").isEqualTo(128);
        assertThat(config.bosTokenId()).hasValue(128000);
        assertThat(config.eosTokenIds()).containsExactly(128001, 128009);
        assertThat(config.padTokenId()).isEmpty();
    }

    @Test
    void shouldTakeKeyValueHeadsFromQueryHeadsAndASingleEosId() throws Exception {
        ModelConfig config = ModelConfig.fromJson(json("""
                {"vocab_size": 100, "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
                 "head_dim": 32, "eos_token_id": 1, "pad_token_id": 0}"""));

        assertThat(config.keyValueHeads()).isEqualTo(4);
        assertThat(config.headDim()).isEqualTo(32);
        assertThat(config.eosTokenIds()).containsExactly(1);
        assertThat(config.padTokenId()).hasValue(0);
        assertThat(config.maxPositions()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void shouldNameAMissingField() {
        assertThatThrownBy(() -> ModelConfig.fromJson(json("{\"vocab_size\": 10, \"hidden_size\": 8}")))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("num_attention_heads");
    }

    @Test
    void shouldRejectQueryHeadsThatDoNotGroupOverKeyValueHeads() {
        assertThatThrownBy(() -> new ModelConfig("llama", 10, 64, 2, 6, 4, 16, 128,
                OptionalInt.empty(), List.of(), OptionalInt.empty()))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("not a multiple");
    }
}
