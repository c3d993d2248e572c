package io.streamaligner.inference.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Objects;
import java.util.Optional;

/**
 * Parses the data of one stream event, or a whole response, into a {@link StreamChunk}: {@code choices[0].delta.content}
 * from the chat endpoint's stream ({@code choices[0].message.content} when answered whole), {@code choices[0].text}
 * from the completions endpoint, {@code finish_reason}, {@code stop_reason} (SGLang's
 * {@code matched_stop}), {@code usage}, and errors: OpenAI's {@code {"error": {"message": …}}}, TGI's
 * {@code {"error": "…", "error_type": …}}, vLLM's older {@code {"object": "error", "message": …}}, and the bare error
 * object of an error event ({@link #parseError}). Thread-safe.
 */
final class ChunkParser {

    /** How much of a malformed chunk an error message quotes. */
    static final int EXCERPT = 120;

    private final ObjectMapper json;
    private final ApiKind api;

    ChunkParser(ObjectMapper json, ApiKind api) {
        this.json = Objects.requireNonNull(json, "json");
        this.api = Objects.requireNonNull(api, "api");
    }

    /**
     * @throws MalformedChunkException if the data is not a JSON object of the expected shape
     */
    StreamChunk parse(String data) {
        return parse(data, "delta");
    }

    /**
     * A response answered whole ({@code stream: false}): its one choice as one chunk.
     *
     * @throws MalformedChunkException if the body is not a JSON object of the expected shape
     */
    StreamChunk parseWhole(String body) {
        return parse(body, "message");
    }

    /** @param chatField where the chat endpoint puts the text: {@code delta} in a stream, {@code message} whole */
    private StreamChunk parse(String data, String chatField) {
        JsonNode root;
        try {
            root = json.readTree(data);
        } catch (JsonProcessingException e) {
            throw new MalformedChunkException("not JSON", data);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedChunkException("not a JSON object", data);
        }
        JsonNode error = root.get("error");
        if (error != null && !error.isNull()) {
            return StreamChunk.error(serverError(error, root));
        }
        if ("error".equals(root.path("object").asText())) {
            return StreamChunk.error(serverError(root, root));
        }
        Optional<StreamChunk.Usage> usage = usage(root.get("usage"), data);
        JsonNode choices = root.get("choices");
        if (choices == null || choices.isNull() || choices.isArray() && choices.isEmpty()) {
            return new StreamChunk("", Optional.empty(), Optional.empty(), usage, Optional.empty());
        }
        if (!choices.isArray() || !choices.get(0).isObject()) {
            throw new MalformedChunkException("choices is not an array of objects", data);
        }
        JsonNode choice = choices.get(0);
        JsonNode content = api == ApiKind.CHAT ? choice.path(chatField).get("content") : choice.get("text");
        String text;
        if (content == null || content.isNull()) {
            text = "";
        } else if (content.isTextual()) {
            text = content.textValue();
        } else {
            throw new MalformedChunkException((api == ApiKind.CHAT ? chatField + ".content" : "text") + " is not a string",
                    data);
        }
        // vLLM names the stop that ended generation stop_reason, SGLang matched_stop
        Optional<String> stop = scalar(choice.get("stop_reason")).or(() -> scalar(choice.get("matched_stop")));
        // an empty finish_reason on a chunk that goes on is no finish
        Optional<String> finish = scalar(choice.get("finish_reason")).filter(reason -> !reason.isEmpty());
        return new StreamChunk(text, finish, stop, usage, Optional.empty());
    }

    /**
     * The data of an event the server sent as an error ({@link SseEventReader.Event#error()}): an error object, bare
     * (llama.cpp) or wrapped in {@code {"error": …}}, or any text.
     */
    StreamChunk.ServerError parseError(String data) {
        JsonNode root;
        try {
            root = json.readTree(data);
        } catch (JsonProcessingException notJson) {
            return StreamChunk.ServerError.text(data);
        }
        if (root == null || !root.isObject()) {
            return StreamChunk.ServerError.text(data);
        }
        JsonNode error = root.get("error");
        return serverError(error != null && !error.isNull() ? error : root, root);
    }

    /** @param root the object that holds {@code error} (where TGI puts {@code error_type}) */
    private static StreamChunk.ServerError serverError(JsonNode error, JsonNode root) {
        JsonNode code = error.path("code");
        String type = error.path("type").isTextual() ? error.get("type").textValue()
                : root.path("error_type").asText("");
        return new StreamChunk.ServerError(errorMessage(error), code.isTextual() ? code.textValue() : "", type);
    }

    /** The message of an OpenAI-style error object, or of a bare error string. */
    static String errorMessage(JsonNode error) {
        if (error.isTextual()) {
            return error.textValue();
        }
        JsonNode message = error.get("message");
        if (message != null && message.isTextual()) {
            return message.textValue();
        }
        return error.toString();
    }

    private static Optional<StreamChunk.Usage> usage(JsonNode usage, String data) {
        if (usage == null || usage.isNull()) {
            return Optional.empty();
        }
        if (!usage.isObject()) {
            throw new MalformedChunkException("usage is not an object", data);
        }
        return Optional.of(new StreamChunk.Usage(usage.path("prompt_tokens").asInt(0),
                usage.path("completion_tokens").asInt(0)));
    }

    /** A string or number as text (vLLM's {@code stop_reason} is the stop string or a token id), else empty. */
    private static Optional<String> scalar(JsonNode node) {
        if (node == null || node.isNull() || node.isContainerNode()) {
            return Optional.empty();
        }
        return Optional.of(node.asText());
    }

    /** A chunk that is not what an OpenAI-compatible server sends. */
    static final class MalformedChunkException extends RuntimeException {

        MalformedChunkException(String what, String data) {
            super("malformed stream chunk (" + what + "): " + excerpt(data));
        }
    }

    static String excerpt(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= EXCERPT ? oneLine : oneLine.substring(0, EXCERPT) + "…";
    }
}
