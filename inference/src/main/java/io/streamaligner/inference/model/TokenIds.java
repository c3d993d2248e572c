package io.streamaligner.inference.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** HuggingFace configs write a token id field as a number, a list of numbers, or null. */
final class TokenIds {

    private TokenIds() {
    }

    static List<Integer> read(JsonNode node) {
        List<Integer> ids = new ArrayList<>();
        if (node == null || node.isNull()) {
            return ids;
        }
        if (node.isArray()) {
            node.forEach(id -> ids.add(id.asInt()));
        } else if (node.canConvertToInt()) {
            ids.add(node.asInt());
        }
        return ids;
    }
}
