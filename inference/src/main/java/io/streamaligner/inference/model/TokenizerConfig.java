package io.streamaligner.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaligner.inference.ModelFolderException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a model folder's {@code tokenizer_config.json} says about prompts: its Jinja chat template, the special tokens
 * a template writes ({@code bos_token}, {@code eos_token}, …, as strings or {@code {"content": …}} objects), and
 * whether the tokenizer puts a BOS token before a prompt. The template may also sit beside it, in
 * {@code chat_template.jinja} or {@code chat_template.json}, as newer exports write it; such a file wins over a
 * {@code chat_template} inside the configuration, as it does in transformers.
 *
 * @param chatTemplate            the Jinja source of the folder's chat template, if it has one
 * @param specialTokens           the named special tokens, name to text ({@code bos_token} → {@code <s>}), as transformers
 *                                passes them to the template
 * @param additionalSpecialTokens the {@code additional_special_tokens}
 * @param addBosToken             whether the tokenizer adds the BOS token before a prompt (Llama-2, Gemma); the engine
 *                                encodes with added specials off, so it adds it then
 */
public record TokenizerConfig(Optional<String> chatTemplate, Map<String, String> specialTokens,
                              List<String> additionalSpecialTokens, boolean addBosToken) {

    public static final String FILE = "tokenizer_config.json";
    public static final String TEMPLATE_FILE = "chat_template.jinja";
    public static final String TEMPLATE_JSON_FILE = "chat_template.json";

    /** The special tokens transformers' {@code special_tokens_map} holds, by their key. */
    private static final List<String> SPECIAL_TOKEN_KEYS = List.of("bos_token", "eos_token", "unk_token", "sep_token",
            "pad_token", "cls_token", "mask_token");

    private static final ObjectMapper JSON = new ObjectMapper();

    public TokenizerConfig {
        Objects.requireNonNull(chatTemplate, "chatTemplate");
        specialTokens = Map.copyOf(specialTokens);
        additionalSpecialTokens = List.copyOf(additionalSpecialTokens);
    }

    /**
     * The folder's tokenizer configuration, or empty when it has neither {@value #FILE} nor a template file.
     *
     * @throws ModelFolderException naming the file that cannot be read or is malformed
     */
    public static Optional<TokenizerConfig> read(Path folder) {
        Objects.requireNonNull(folder, "folder");
        Path config = folder.resolve(FILE);
        Optional<String> templateBeside = templateBeside(folder);
        if (!Files.isRegularFile(config)) {
            return templateBeside.map(template -> new TokenizerConfig(Optional.of(template), Map.of(), List.of(), false));
        }
        JsonNode json = readJson(config);
        TokenizerConfig read = fromJson(json, config);
        // as transformers loads a folder, a template file beside the configuration replaces the one inside it
        return Optional.of(templateBeside.isEmpty() ? read
                : new TokenizerConfig(templateBeside, read.specialTokens, read.additionalSpecialTokens, read.addBosToken));
    }

    /**
     * Reads the fields of a {@code tokenizer_config.json}.
     *
     * @param source named in errors
     * @throws ModelFolderException if {@code chat_template} is neither a string nor a list of named templates with a
     *                              {@code default} one
     */
    public static TokenizerConfig fromJson(JsonNode json, Path source) {
        Objects.requireNonNull(json, "json");
        Map<String, String> special = new LinkedHashMap<>();
        for (String key : SPECIAL_TOKEN_KEYS) {
            tokenText(json.get(key)).ifPresent(text -> special.put(key, text));
        }
        List<String> additional = new ArrayList<>();
        json.path("additional_special_tokens").forEach(token -> tokenText(token).ifPresent(additional::add));
        return new TokenizerConfig(template(json.get("chat_template"), source), special, additional,
                json.path("add_bos_token").asBoolean(false));
    }

    /** The BOS token's text, if the configuration names one. */
    public Optional<String> bosToken() {
        return Optional.ofNullable(specialTokens.get("bos_token"));
    }

    /** Every special token's text: the named ones and the additional ones. */
    public List<String> allSpecialTokens() {
        List<String> all = new ArrayList<>(specialTokens.values());
        all.addAll(additionalSpecialTokens);
        return List.copyOf(all);
    }

    /** A token written as a string, or as an {@code AddedToken} object with its {@code content}. */
    private static Optional<String> tokenText(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isTextual()) {
            return Optional.of(node.asText());
        }
        JsonNode content = node.get("content");
        return content != null && content.isTextual() ? Optional.of(content.asText()) : Optional.empty();
    }

    /** A template string, or the {@code default} of a list of {@code {"name", "template"}}, as transformers takes it. */
    private static Optional<String> template(JsonNode node, Path source) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isTextual()) {
            return Optional.of(node.asText());
        }
        if (node.isArray()) {
            List<String> names = new ArrayList<>();
            for (JsonNode named : node) {
                String name = named.path("name").asText("");
                names.add(name);
                if (name.equals("default") && named.path("template").isTextual()) {
                    return Optional.of(named.get("template").asText());
                }
            }
            throw new ModelFolderException(source + ": chat_template lists templates " + names
                    + " but none named 'default'");
        }
        throw new ModelFolderException(source + ": chat_template must be a string or a list of named templates");
    }

    private static Optional<String> templateBeside(Path folder) {
        Path jinja = folder.resolve(TEMPLATE_FILE);
        if (Files.isRegularFile(jinja)) {
            try {
                return Optional.of(Files.readString(jinja, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new ModelFolderException("cannot read " + jinja + ": " + e.getMessage(), e);
            }
        }
        Path json = folder.resolve(TEMPLATE_JSON_FILE);
        return Files.isRegularFile(json) ? template(readJson(json).get("chat_template"), json) : Optional.empty();
    }

    private static JsonNode readJson(Path path) {
        try {
            JsonNode json = JSON.readTree(path.toFile());
            if (json == null || !json.isObject()) {
                throw new ModelFolderException(path + " is not a JSON object");
            }
            return json;
        } catch (IOException e) {
            throw new ModelFolderException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }
}
