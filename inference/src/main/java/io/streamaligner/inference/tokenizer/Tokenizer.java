package io.streamaligner.inference.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaligner.inference.ModelFolderException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A HuggingFace {@code tokenizer.json}, loaded from a file (never from the hub), with truncation, padding and
 * added special tokens all off: prompts are rendered by a chat template that writes every special token itself.
 *
 * <p>Thread-safe: encoding and decoding keep no state between calls.
 */
public final class Tokenizer implements AutoCloseable {

    private static final Map<String, String> OPTIONS = Map.of(
            "addSpecialTokens", "false",
            "truncation", "false",
            "padding", "false");

    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, Integer> addedTokens;
    private final Map<String, Integer> specialTokens;

    private Tokenizer(HuggingFaceTokenizer tokenizer, Map<String, Integer> addedTokens,
                      Map<String, Integer> specialTokens) {
        this.tokenizer = tokenizer;
        this.addedTokens = addedTokens;
        this.specialTokens = specialTokens;
    }

    /** Loads a {@code tokenizer.json}. */
    public static Tokenizer load(Path tokenizerJson) {
        Objects.requireNonNull(tokenizerJson, "tokenizerJson");
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new ModelFolderException("tokenizer file " + tokenizerJson + " does not exist");
        }
        JsonNode addedTokens = readAddedTokens(tokenizerJson);
        try {
            return new Tokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, OPTIONS),
                    contents(addedTokens, false), contents(addedTokens, true));
        } catch (IOException | RuntimeException e) {
            throw new ModelFolderException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    /** Token ids of {@code text}; special-token strings in it become their ids, nothing is added or cut. */
    public int[] encode(String text) {
        Objects.requireNonNull(text, "text");
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] result = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            result[i] = Math.toIntExact(ids[i]);
        }
        return result;
    }

    /** Text of {@code ids[from, to)} without special tokens; incomplete UTF-8 at either end decodes as U+FFFD. */
    public String decode(int[] ids, int from, int to) {
        Objects.requireNonNull(ids, "ids");
        Objects.checkFromToIndex(from, to, ids.length);
        long[] slice = new long[to - from];
        for (int i = from; i < to; i++) {
            slice[i - from] = ids[i];
        }
        return tokenizer.decode(slice, true);
    }

    public String decode(int[] ids) {
        return decode(ids, 0, ids.length);
    }

    /**
     * The tokenizer's special tokens (such as {@code <|eot_id|>}), content to id. Any of these strings inside
     * user content would be read as the token itself, so templates neutralize them.
     */
    public Map<String, Integer> specialTokens() {
        return specialTokens;
    }

    /** The id of an added token such as an end-of-answer marker. */
    public OptionalInt addedTokenId(String content) {
        Integer id = addedTokens.get(Objects.requireNonNull(content, "content"));
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    /**
     * DJL does not expose the added tokens, so they are read from the same file: only that field, skipping the rest
     * unparsed (a real vocabulary's file is 10-30 MB, most of it the vocabulary and merges).
     */
    private static JsonNode readAddedTokens(Path tokenizerJson) {
        ObjectMapper json = new ObjectMapper();
        try (JsonParser parser = json.getFactory().createParser(tokenizerJson.toFile())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new ModelFolderException("tokenizer " + tokenizerJson + " is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if (field.equals("added_tokens")) {
                    return json.readTree(parser);
                }
                parser.skipChildren();
            }
            return json.createArrayNode();
        } catch (IOException e) {
            throw new ModelFolderException("cannot read tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Integer> contents(JsonNode addedTokens, boolean specialOnly) {
        Map<String, Integer> contents = new HashMap<>();
        for (JsonNode token : addedTokens) {
            String content = token.path("content").asText("");
            if (!content.isEmpty() && (!specialOnly || token.path("special").asBoolean(false))) {
                contents.put(content, token.path("id").asInt());
            }
        }
        return Map.copyOf(contents);
    }
}
