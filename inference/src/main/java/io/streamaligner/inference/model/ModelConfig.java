package io.streamaligner.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamaligner.inference.ModelFolderException;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The architecture facts of a decoder, as its HuggingFace {@code config.json} states them.
 *
 * @param modelType          e.g. {@code llama}, {@code gemma}, {@code qwen2}
 * @param vocabSize          rows of the embedding, columns of the logits
 * @param hiddenSize         width of the residual stream
 * @param layers             decoder blocks, i.e. {@code past_key_values.N} pairs
 * @param attentionHeads     query heads
 * @param keyValueHeads      key/value heads (fewer than query heads under grouped-query attention)
 * @param headDim            width of one head
 * @param maxPositions       longest sequence (prompt + generated) the model was built for
 * @param bosTokenId         beginning-of-sequence token, if the model has one
 * @param eosTokenIds        tokens that end generation
 * @param padTokenId         padding token, if the model names one
 */
public record ModelConfig(String modelType, int vocabSize, int hiddenSize, int layers, int attentionHeads,
                          int keyValueHeads, int headDim, int maxPositions, OptionalInt bosTokenId,
                          List<Integer> eosTokenIds, OptionalInt padTokenId) {

    public ModelConfig {
        Objects.requireNonNull(modelType, "modelType");
        Objects.requireNonNull(bosTokenId, "bosTokenId");
        Objects.requireNonNull(padTokenId, "padTokenId");
        eosTokenIds = List.copyOf(Objects.requireNonNull(eosTokenIds, "eosTokenIds"));
        requirePositive("vocab_size", vocabSize);
        requirePositive("hidden_size", hiddenSize);
        requirePositive("num_hidden_layers", layers);
        requirePositive("num_attention_heads", attentionHeads);
        requirePositive("num_key_value_heads", keyValueHeads);
        requirePositive("head_dim", headDim);
        requirePositive("max_position_embeddings", maxPositions);
        if (attentionHeads % keyValueHeads != 0) {
            throw new ModelFolderException("config.json: num_attention_heads " + attentionHeads
                    + " is not a multiple of num_key_value_heads " + keyValueHeads);
        }
    }

    /** Reads a parsed {@code config.json}; absent optional fields take HuggingFace's defaults. */
    public static ModelConfig fromJson(JsonNode json) {
        Objects.requireNonNull(json, "json");
        int hidden = requiredInt(json, "hidden_size");
        int heads = requiredInt(json, "num_attention_heads");
        return new ModelConfig(
                json.path("model_type").asText("unknown"),
                requiredInt(json, "vocab_size"),
                hidden,
                requiredInt(json, "num_hidden_layers"),
                heads,
                json.path("num_key_value_heads").asInt(heads),
                // configs without head_dim split the hidden size evenly over the heads
                json.path("head_dim").isInt() ? json.get("head_dim").asInt() : hidden / heads,
                json.path("max_position_embeddings").asInt(Integer.MAX_VALUE),
                optionalInt(json, "bos_token_id"),
                TokenIds.read(json.get("eos_token_id")),
                optionalInt(json, "pad_token_id"));
    }

    static int requiredInt(JsonNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || !node.canConvertToInt()) {
            throw new ModelFolderException("config.json: missing or non-integer field '" + field + "'");
        }
        return node.asInt();
    }

    static OptionalInt optionalInt(JsonNode json, String field) {
        JsonNode node = json.get(field);
        return node != null && node.canConvertToInt() ? OptionalInt.of(node.asInt()) : OptionalInt.empty();
    }

    private static void requirePositive(String field, int value) {
        if (value <= 0) {
            throw new ModelFolderException("config.json: " + field + " must be positive, got " + value);
        }
    }
}
