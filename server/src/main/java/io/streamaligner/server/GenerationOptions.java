package io.streamaligner.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.SamplingParams;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The fields both generation endpoints share, checked: {@code model}, {@code n}, {@code stream},
 * {@code stream_options}, {@code max_tokens} / {@code max_completion_tokens}, {@code min_tokens}, the sampling
 * knobs ({@code temperature}, {@code top_p}, {@code top_k}, {@code frequency_penalty}, {@code repetition_penalty},
 * {@code seed}) and {@code stop}.
 *
 * <p>Sampling fields a request leaves out take the model folder's recommendation ({@code generation_config.json}:
 * greedy unless it sets {@code do_sample}), as the engine's other callers use it; without a {@code seed} each request
 * draws a random one.
 *
 * @param sampling     how tokens are chosen
 * @param maxTokens    most new tokens
 * @param minTokens    end tokens are not chosen before this many
 * @param stop         stop strings, in the order given
 * @param stream       answer as server-sent events
 * @param includeUsage with {@code stream}: a last chunk with the token counts
 */
record GenerationOptions(SamplingParams sampling, int maxTokens, int minTokens, List<String> stop, boolean stream,
                         boolean includeUsage) {

    GenerationOptions {
        Objects.requireNonNull(sampling, "sampling");
        stop = List.copyOf(stop);
    }

    /** @throws ApiError 400 for a malformed or unsupported field, 404 for another model's name */
    static GenerationOptions parse(RequestFields fields, ServedModel model) {
        fields.string("model").ifPresent(name -> {
            if (!name.equals(model.name())) {
                throw ApiError.modelNotFound(name);
            }
        });
        fields.integer("n").ifPresent(n -> {
            if (n != 1) {
                throw ApiError.badRequest("n", "'n' must be 1: this server generates one choice per request");
            }
        });
        fields.integer("best_of").ifPresent(n -> {
            if (n != 1) {
                throw ApiError.badRequest("best_of", "'best_of' must be 1: this server generates one choice per request");
            }
        });
        rejectUnlessEmpty(fields, "logprobs", "log probabilities are not supported");
        rejectUnlessEmpty(fields, "top_logprobs", "log probabilities are not supported");
        // vLLM's and OpenAI's fields that change the text: refused rather than ignored, so no one gets other text
        // than they asked for without knowing
        rejectUnlessEmpty(fields, "logit_bias", "a logit bias is not supported");
        rejectUnlessEmpty(fields, "stop_token_ids", "stop token ids are not supported (stop strings are)");
        rejectUnlessEmpty(fields, "include_stop_str_in_output", "the stop string is always left out of the text");
        rejectUnlessEmpty(fields, "ignore_eos", "generating past the end of the text is not supported");
        rejectUnlessEmpty(fields, "min_p", "min-p sampling is not supported (top_p and top_k are)");
        fields.number("presence_penalty").ifPresent(penalty -> {
            if (penalty != 0) {
                throw ApiError.badRequest("presence_penalty", "'presence_penalty' is not supported (use frequency_penalty "
                        + "or repetition_penalty)");
            }
        });

        boolean stream = fields.bool("stream").orElse(false);
        boolean includeUsage = false;
        var streamOptions = fields.object("stream_options");
        if (streamOptions.isPresent()) {
            if (!stream) {
                throw ApiError.badRequest("stream_options", "'stream_options' is only allowed with 'stream': true");
            }
            includeUsage = new RequestFields(streamOptions.get()).bool("include_usage").orElse(false);
        }

        OptionalInt completionTokens = fields.integer("max_completion_tokens");
        int maxTokens = completionTokens.isPresent() ? completionTokens.getAsInt()
                : fields.integer("max_tokens").orElse(model.defaultMaxTokens());
        if (maxTokens < 1) {
            throw ApiError.badRequest(completionTokens.isPresent() ? "max_completion_tokens" : "max_tokens",
                    "the token limit must be at least 1, got " + maxTokens);
        }
        int minTokens = fields.integer("min_tokens").orElse(0);
        if (minTokens < 0 || minTokens > maxTokens) {
            throw ApiError.badRequest("min_tokens", "'min_tokens' must be in [0, max_tokens = " + maxTokens + "], got "
                    + minTokens);
        }
        return new GenerationOptions(sampling(fields, model), maxTokens, minTokens, stop(fields), stream, includeUsage);
    }

    /** The engine's request for {@code prompt}, stopping at {@code stops} (this request's {@link #stop()}). */
    CompletionRequest request(String id, String prompt, StopStrings stops) {
        return new CompletionRequest(id, prompt, sampling, maxTokens, stops, minTokens);
    }

    private static SamplingParams sampling(RequestFields fields, ServedModel model) {
        long seed = fields.longInteger("seed").orElseGet(() -> ThreadLocalRandom.current().nextLong());
        SamplingParams recommended = model.defaults().sampling(seed);
        double temperature = fields.number("temperature").orElse(recommended.temperature());
        if (temperature < 0) {
            throw ApiError.badRequest("temperature", "'temperature' must be >= 0, got " + temperature);
        }
        double topP = fields.number("top_p").orElse(recommended.topP());
        if (!(topP > 0 && topP <= 1)) {
            throw ApiError.badRequest("top_p", "'top_p' must be in (0, 1], got " + topP);
        }
        // vLLM's -1 and 0 both mean no top-k cut
        int topK = fields.integer("top_k").orElse(recommended.topK());
        if (topK < -1) {
            throw ApiError.badRequest("top_k", "'top_k' must be -1, 0 (off) or positive, got " + topK);
        }
        double frequencyPenalty = fields.number("frequency_penalty").orElse(0);
        if (frequencyPenalty < -2 || frequencyPenalty > 2) {
            throw ApiError.badRequest("frequency_penalty", "'frequency_penalty' must be in [-2, 2], got " + frequencyPenalty);
        }
        double repetitionPenalty = fields.number("repetition_penalty").orElse(recommended.repetitionPenalty());
        if (!(repetitionPenalty > 0)) {
            throw ApiError.badRequest("repetition_penalty", "'repetition_penalty' must be > 0, got " + repetitionPenalty);
        }
        return new SamplingParams(temperature, Math.max(0, topK), topP, frequencyPenalty, repetitionPenalty, seed);
    }

    private static List<String> stop(RequestFields fields) {
        List<String> stops = new ArrayList<>();
        fields.node("stop").ifPresent(node -> {
            if (node.isTextual()) {
                stops.add(node.asText());
            } else if (node.isArray()) {
                for (JsonNode element : node) {
                    if (!element.isTextual()) {
                        throw RequestFields.wrongType("stop", "a string or a list of strings", element);
                    }
                    stops.add(element.asText());
                }
            } else {
                throw RequestFields.wrongType("stop", "a string or a list of strings", node);
            }
        });
        if (stops.stream().anyMatch(String::isEmpty)) {
            throw ApiError.badRequest("stop", "stop strings must not be empty");
        }
        return stops;
    }

    /** Rejects a field that is not supported unless it is sent switched off: absent, null, false, 0, "", [] or {}. */
    static void rejectUnlessEmpty(RequestFields fields, String name, String why) {
        fields.node(name).ifPresent(node -> {
            boolean empty = node.isBoolean() && !node.asBoolean() || node.isNumber() && node.asDouble() == 0
                    || node.isTextual() && node.asText().isEmpty() || node.isContainerNode() && node.isEmpty();
            if (!empty) {
                throw ApiError.badRequest(name, "'" + name + "': " + why);
            }
        });
    }
}
