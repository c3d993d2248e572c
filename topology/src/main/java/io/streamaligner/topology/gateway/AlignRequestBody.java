package io.streamaligner.topology.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamaligner.client.AlignmentRequests;
import io.streamaligner.loop.AlignmentLoop;
import io.streamaligner.loop.LoopLimits;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.GenerationParams;
import io.streamaligner.server.ApiError;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The body of {@code POST /v1/align}, read into the request the gateway produces:
 * <pre>{@code
 * {"question": "What is 23 + 48 - 19?",        required
 *  "system": "Answer step by step.",           optional: the upstream's system prompt
 *  "generation": {"temperature": 1.0, "top_p": 1.0, "top_k": 0, "frequency_penalty": 0.0,
 *                 "repetition_penalty": 1.0, "seed": 7, "max_new_tokens": 64},   optional, each field too
 *  "max_rounds": 16}                           optional
 * }</pre>
 * Generation fields not given are the defaults' (the upstream's recommended sampling, seeded, unless configured
 * otherwise); {@code temperature} 0 is greedy decoding. An unknown field, a value of the wrong type, or a request the
 * loop would refuse ({@link AlignmentLoop#validate}) is a 400 naming what is wrong, before anything is sent.
 */
final class AlignRequestBody {

    static final List<String> FIELDS = List.of("question", "system", "generation", "max_rounds");
    static final List<String> GENERATION_FIELDS = List.of("temperature", "top_p", "top_k", "frequency_penalty",
            "repetition_penalty", "seed", "max_new_tokens");

    private AlignRequestBody() {
    }

    /**
     * The request {@code body} asks for, under a new id.
     *
     * @param generation what a field the body leaves out of {@code generation} is
     * @param limits     the loop's limits, which the question is checked against
     * @throws ApiError 400 saying what is wrong with the body
     */
    static AlignmentRequest read(ObjectNode body, GenerationParams generation, LoopLimits limits) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(generation, "generation");
        Objects.requireNonNull(limits, "limits");
        onlyKnown(body, FIELDS, "");
        JsonNode question = body.get("question");
        if (question == null || question.isNull()) {
            throw ApiError.badRequest("question", "'question' is required: {\"question\": \"What is 23 + 48 - 19?\"}");
        }
        AlignmentRequest.Builder request = AlignmentRequests.builder(text(question, "question"))
                .setGeneration(generation(body.get("generation"), generation));
        JsonNode system = body.get("system");
        if (system != null && !system.isNull()) {
            request.setSystemPrompt(text(system, "system"));
        }
        JsonNode maxRounds = body.get("max_rounds");
        if (maxRounds != null && !maxRounds.isNull()) {
            request.setMaxRounds((int) whole(maxRounds, "max_rounds", Integer.MIN_VALUE, Integer.MAX_VALUE));
        }
        AlignmentRequest built = request.build();
        try {
            AlignmentLoop.validate(built, limits);
        } catch (IllegalArgumentException invalid) {
            throw ApiError.badRequest(null, "The request cannot be aligned: " + invalid.getMessage());
        }
        return built;
    }

    private static GenerationParams generation(JsonNode given, GenerationParams defaults) {
        if (given == null || given.isNull()) {
            return defaults;
        }
        if (!(given instanceof ObjectNode fields)) {
            throw ApiError.badRequest("generation", "'generation' must be an object such as {\"temperature\": 0}, was "
                    + given.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        onlyKnown(fields, GENERATION_FIELDS, "generation.");
        GenerationParams.Builder params = GenerationParams.newBuilder(defaults);
        number(fields, "temperature").ifPresent(params::setTemperature);
        number(fields, "top_p").ifPresent(params::setTopP);
        number(fields, "frequency_penalty").ifPresent(params::setFrequencyPenalty);
        number(fields, "repetition_penalty").ifPresent(params::setRepetitionPenalty);
        JsonNode topK = fields.get("top_k");
        if (topK != null && !topK.isNull()) {
            params.setTopK((int) whole(topK, "generation.top_k", Integer.MIN_VALUE, Integer.MAX_VALUE));
        }
        JsonNode seed = fields.get("seed");
        if (seed != null && !seed.isNull()) {
            params.setSeed(whole(seed, "generation.seed", Long.MIN_VALUE, Long.MAX_VALUE));
        }
        JsonNode maxNewTokens = fields.get("max_new_tokens");
        if (maxNewTokens != null && !maxNewTokens.isNull()) {
            params.setMaxNewTokensPerStep((int) whole(maxNewTokens, "generation.max_new_tokens", Integer.MIN_VALUE,
                    Integer.MAX_VALUE));
        }
        return params.build();
    }

    private static void onlyKnown(ObjectNode object, List<String> known, String path) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw ApiError.badRequest(path + name, "Unknown field '" + path + name + "'; "
                        + (path.isEmpty() ? "the body" : "'" + path.substring(0, path.length() - 1) + "'")
                        + " takes " + String.join(", ", known) + ".");
            }
        }
    }

    private static String text(JsonNode node, String name) {
        if (!node.isTextual()) {
            throw ApiError.badRequest(name, "'" + name + "' must be a string, was " + kind(node));
        }
        return node.asText();
    }

    private static OptionalDouble number(ObjectNode fields, String name) {
        JsonNode node = fields.get(name);
        if (node == null || node.isNull()) {
            return OptionalDouble.empty();
        }
        if (!node.isNumber()) {
            throw ApiError.badRequest("generation." + name, "'generation." + name + "' must be a number, was " + kind(node));
        }
        return OptionalDouble.of(node.asDouble());
    }

    private static long whole(JsonNode node, String name, long min, long max) {
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < min || node.asLong() > max) {
            throw ApiError.badRequest(name, "'" + name + "' must be a whole number"
                    + (max == Integer.MAX_VALUE ? " (32-bit)" : "") + ", was " + kind(node));
        }
        return node.asLong();
    }

    private static String kind(JsonNode node) {
        return node.isTextual() || node.isNumber() ? node.toString() : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
