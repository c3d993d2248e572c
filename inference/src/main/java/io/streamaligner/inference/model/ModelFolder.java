package io.streamaligner.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaligner.inference.ModelFolderException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A decoder exported in optimum's ONNX layout, plus this project's optional settings file:
 * <pre>
 * model.onnx              (external weight files beside it are found by ONNX Runtime)
 * tokenizer.json          HuggingFace tokenizers
 * config.json             architecture: layers, heads, kv heads, head dim, eos/bos/pad ids
 * generation_config.json  optional: recommended sampling (HuggingFace defaults without it)
 * tokenizer_config.json   optional: the model's own Jinja chat template, its special tokens, add_bos_token
 * stream_aligner.json     optional: {"chat_template": "toy", "end_of_answer_token": "&lt;|end_of_answer|&gt;"}
 * </pre>
 *
 * @param directory          the folder
 * @param config             {@code config.json}
 * @param generationDefaults {@code generation_config.json}, or HuggingFace's defaults
 * @param chatTemplateName   a built-in chat template {@code stream_aligner.json} pins, if it names one (it wins over
 *                           the folder's own Jinja template: the Stream Aligner models were trained on the seed's)
 * @param endOfAnswerToken   an aligner's end-of-answer token, if it has one
 * @param tokenizerConfig    {@code tokenizer_config.json} (or a {@code chat_template.jinja}), if the folder has one
 */
public record ModelFolder(Path directory, ModelConfig config, GenerationDefaults generationDefaults,
                          Optional<String> chatTemplateName, Optional<String> endOfAnswerToken,
                          Optional<TokenizerConfig> tokenizerConfig) {

    public static final String MODEL_FILE = "model.onnx";
    public static final String TOKENIZER_FILE = "tokenizer.json";
    public static final String CONFIG_FILE = "config.json";
    public static final String GENERATION_CONFIG_FILE = "generation_config.json";
    public static final String TOKENIZER_CONFIG_FILE = "tokenizer_config.json";
    public static final String SETTINGS_FILE = "stream_aligner.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelFolder {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(generationDefaults, "generationDefaults");
        Objects.requireNonNull(chatTemplateName, "chatTemplateName");
        Objects.requireNonNull(endOfAnswerToken, "endOfAnswerToken");
        Objects.requireNonNull(tokenizerConfig, "tokenizerConfig");
    }

    /**
     * Reads the folder's JSON files (the model itself is loaded by the engine).
     *
     * @throws ModelFolderException naming every required file that is missing, or the file that is malformed
     */
    public static ModelFolder open(Path directory) {
        Objects.requireNonNull(directory, "directory");
        if (!Files.isDirectory(directory)) {
            throw new ModelFolderException("model folder " + directory + " does not exist or is not a directory");
        }
        List<String> missing = new ArrayList<>();
        for (String required : List.of(MODEL_FILE, TOKENIZER_FILE, CONFIG_FILE)) {
            if (!Files.isRegularFile(directory.resolve(required))) {
                missing.add(required);
            }
        }
        if (!missing.isEmpty()) {
            throw new ModelFolderException("model folder " + directory + " lacks " + String.join(", ", missing)
                    + " (expected optimum's ONNX layout: model.onnx, tokenizer.json, config.json)");
        }
        ModelConfig config = ModelConfig.fromJson(read(directory, CONFIG_FILE));
        GenerationDefaults generation = readOptional(directory, GENERATION_CONFIG_FILE)
                .map(GenerationDefaults::fromJson).orElse(GenerationDefaults.HUGGINGFACE);
        Optional<JsonNode> settings = readOptional(directory, SETTINGS_FILE);
        return new ModelFolder(directory, config, generation, pinnedTemplate(directory),
                settings.map(json -> textField(json, "end_of_answer_token")),
                TokenizerConfig.read(directory));
    }

    /**
     * The built-in chat template a folder's {@value #SETTINGS_FILE} pins, if it names one; read without the model, for
     * a folder that holds only its tokenizer files.
     *
     * @throws ModelFolderException if the file is malformed
     */
    public static Optional<String> pinnedTemplate(Path directory) {
        return readOptional(directory, SETTINGS_FILE).map(json -> textField(json, "chat_template"));
    }

    /**
     * Whether prompts must start with the BOS token: Gemma's and Llama-2's tokenizers add it themselves
     * ({@code add_bos_token}); this engine encodes with added specials off, so it adds it.
     */
    public boolean addBosToken() {
        return tokenizerConfig.map(TokenizerConfig::addBosToken).orElse(false);
    }

    public Path modelFile() {
        return directory.resolve(MODEL_FILE);
    }

    public Path tokenizerFile() {
        return directory.resolve(TOKENIZER_FILE);
    }

    /**
     * End-of-sequence ids from {@code config.json} and {@code generation_config.json} together, in that order
     * (the engine pads with the first when the config names no pad token).
     */
    public Set<Integer> eosTokenIds() {
        Set<Integer> ids = new LinkedHashSet<>(config.eosTokenIds());
        ids.addAll(generationDefaults.eosTokenIds());
        return Collections.unmodifiableSet(ids);
    }

    private static String textField(JsonNode json, String field) {
        JsonNode node = json.get(field);
        return node != null && node.isTextual() ? node.asText() : null;
    }

    private static Optional<JsonNode> readOptional(Path directory, String file) {
        return Files.isRegularFile(directory.resolve(file)) ? Optional.of(read(directory, file)) : Optional.empty();
    }

    private static JsonNode read(Path directory, String file) {
        Path path = directory.resolve(file);
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
