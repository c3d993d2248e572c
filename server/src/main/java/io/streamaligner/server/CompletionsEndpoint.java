package io.streamaligner.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.util.Objects;
import java.util.UUID;

/**
 * {@code POST /v1/completions}: a prompt string (or a list of one) completed as it is, answered as
 * {@code text_completion} or its chunks.
 *
 * <p>{@code add_special_tokens} is accepted and changes nothing: the engine encodes the text with special-token
 * strings read as their tokens, adds nothing of its own but the model's BOS token where the folder's
 * {@code tokenizer_config.json} asks for one ({@code add_bos_token}) and the prompt does not already start with it,
 * so a rendered prompt that starts with BOS never gets a second one (what vLLM needs {@code false} for).
 */
final class CompletionsEndpoint implements GenerationEndpoint {

    private final ServedModel model;
    private final Clock clock;

    CompletionsEndpoint(ServedModel model, Clock clock) {
        this.model = Objects.requireNonNull(model, "model");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public PreparedGeneration prepare(ObjectNode body) {
        RequestFields fields = new RequestFields(body);
        GenerationOptions options = GenerationOptions.parse(fields, model);
        GenerationOptions.rejectUnlessEmpty(fields, "echo", "echoing the prompt is not supported");
        GenerationOptions.rejectUnlessEmpty(fields, "suffix", "a suffix (insertion) is not supported");
        fields.bool("add_special_tokens"); // type-checked only, see the class comment
        String prompt = prompt(fields);
        String id = "cmpl-" + UUID.randomUUID().toString().replace("-", "");
        StopStrings stops = new StopStrings(options.stop());
        return new PreparedGeneration(options.request(id, prompt, stops), stops, options.stream(),
                new ResponseShape.Text(id, clock.instant().getEpochSecond(), model.name(), options.includeUsage()),
                "prompt");
    }

    private static String prompt(RequestFields fields) {
        JsonNode prompt = fields.node("prompt").orElseThrow(() -> ApiError.badRequest("prompt", "'prompt' is required"));
        if (prompt.isArray()) {
            if (prompt.size() != 1) {
                throw ApiError.badRequest("prompt", "one prompt per request: 'prompt' may be a list of one string, got "
                        + prompt.size() + " elements");
            }
            prompt = prompt.get(0);
        }
        if (prompt.isNumber() || prompt.isArray()) {
            throw ApiError.badRequest("prompt", "token-id prompts are not supported: send the prompt as text");
        }
        if (!prompt.isTextual()) {
            throw RequestFields.wrongType("prompt", "a string", prompt);
        }
        if (prompt.asText().isEmpty()) {
            throw ApiError.badRequest("prompt", "'prompt' must not be empty");
        }
        return prompt.asText();
    }
}
