package io.streamaligner.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/** The server's one JSON mapper, and reading a request body into an object. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // a tree of plain nodes always serializes
            throw new IllegalStateException("cannot serialize " + node.getNodeType(), e);
        }
    }

    /** @throws ApiError 400 when the body is not one JSON object */
    public static ObjectNode readObject(byte[] body) {
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest(null, "The body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.badRequest(null, "The body cannot be read: " + e.getMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiError.badRequest(null, "The body must be a JSON object.");
        }
        return object;
    }
}
