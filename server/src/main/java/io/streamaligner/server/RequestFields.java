package io.streamaligner.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Typed reads of a request body's fields: an absent field and a JSON {@code null} are both absent (clients send
 * nulls for unset options); a field of the wrong type is a 400 naming it. Fields nobody reads are ignored.
 */
final class RequestFields {

    private final ObjectNode body;

    RequestFields(ObjectNode body) {
        this.body = Objects.requireNonNull(body, "body");
    }

    /** The field's node, or empty when absent or null. */
    Optional<JsonNode> node(String name) {
        JsonNode node = body.get(name);
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node);
    }

    Optional<String> string(String name) {
        return node(name).map(node -> {
            if (!node.isTextual()) {
                throw wrongType(name, "a string", node);
            }
            return node.asText();
        });
    }

    Optional<Boolean> bool(String name) {
        return node(name).map(node -> {
            if (!node.isBoolean()) {
                throw wrongType(name, "a boolean", node);
            }
            return node.asBoolean();
        });
    }

    OptionalInt integer(String name) {
        OptionalLong value = longInteger(name);
        if (value.isEmpty()) {
            return OptionalInt.empty();
        }
        if (value.getAsLong() < Integer.MIN_VALUE || value.getAsLong() > Integer.MAX_VALUE) {
            throw ApiError.badRequest(name, "'" + name + "' is out of range: " + value.getAsLong());
        }
        return OptionalInt.of((int) value.getAsLong());
    }

    OptionalLong longInteger(String name) {
        Optional<JsonNode> found = node(name);
        if (found.isEmpty()) {
            return OptionalLong.empty();
        }
        JsonNode node = found.get();
        // 5.0 is a whole number too; 5.5 is not
        if (!node.isNumber() || !node.canConvertToExactIntegral() || !node.canConvertToLong()) {
            throw wrongType(name, "an integer", node);
        }
        return OptionalLong.of(node.asLong());
    }

    OptionalDouble number(String name) {
        Optional<JsonNode> found = node(name);
        if (found.isEmpty()) {
            return OptionalDouble.empty();
        }
        JsonNode node = found.get();
        if (!node.isNumber()) {
            throw wrongType(name, "a number", node);
        }
        double value = node.asDouble();
        if (!Double.isFinite(value)) {
            throw ApiError.badRequest(name, "'" + name + "' must be a finite number");
        }
        return OptionalDouble.of(value);
    }

    Optional<ObjectNode> object(String name) {
        return node(name).map(node -> {
            if (!(node instanceof ObjectNode object)) {
                throw wrongType(name, "an object", node);
            }
            return object;
        });
    }

    static ApiError wrongType(String name, String expected, JsonNode given) {
        return ApiError.badRequest(name, "'" + name + "' must be " + expected + ", got "
                + given.getNodeType().name().toLowerCase(Locale.ROOT));
    }
}
