package io.streamaligner.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamaligner.inference.SamplingParams;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The sampling a model's authors recommend, from {@code generation_config.json} (HuggingFace defaults where a
 * field is absent).
 *
 * @param doSample          false for greedy decoding
 * @param temperature       softmax temperature when sampling
 * @param topK              top-k cut when sampling; 0 keeps all
 * @param topP              nucleus cut when sampling; 1 keeps all
 * @param repetitionPenalty CTRL-style penalty; 1 is off
 * @param eosTokenIds       extra end-of-sequence tokens (added to the config's)
 * @param maxNewTokens      the recommended generation length, if stated
 */
public record GenerationDefaults(boolean doSample, double temperature, int topK, double topP,
                                 double repetitionPenalty, List<Integer> eosTokenIds, OptionalInt maxNewTokens) {

    /** What HuggingFace assumes for a model without a generation config. */
    public static final GenerationDefaults HUGGINGFACE = new GenerationDefaults(false, 1.0, 50, 1.0, 1.0,
            List.of(), OptionalInt.empty());

    public GenerationDefaults {
        eosTokenIds = List.copyOf(Objects.requireNonNull(eosTokenIds, "eosTokenIds"));
        Objects.requireNonNull(maxNewTokens, "maxNewTokens");
    }

    public static GenerationDefaults fromJson(JsonNode json) {
        Objects.requireNonNull(json, "json");
        return new GenerationDefaults(
                json.path("do_sample").asBoolean(HUGGINGFACE.doSample),
                json.path("temperature").asDouble(HUGGINGFACE.temperature),
                json.path("top_k").asInt(HUGGINGFACE.topK),
                json.path("top_p").asDouble(HUGGINGFACE.topP),
                json.path("repetition_penalty").asDouble(HUGGINGFACE.repetitionPenalty),
                TokenIds.read(json.get("eos_token_id")),
                ModelConfig.optionalInt(json, "max_new_tokens"));
    }

    /** These defaults as sampling parameters for one request; greedy unless the model samples. */
    public SamplingParams sampling(long seed) {
        if (!doSample || temperature <= 0) {
            return new SamplingParams(0, 0, 1, 0, repetitionPenalty, seed);
        }
        return new SamplingParams(temperature, topK, topP, 0, repetitionPenalty, seed);
    }
}
