package io.streamaligner.server;

import io.streamaligner.inference.model.GenerationDefaults;
import io.streamaligner.inference.template.ChatTemplate;

import java.util.Objects;
import java.util.Optional;

/**
 * What the endpoints need to know of the model they serve.
 *
 * @param name             the served name ({@code model} in requests and responses)
 * @param template         the chat template, empty when the folder names none and none was chosen (chat is then a 400)
 * @param defaults         the folder's recommended sampling ({@code generation_config.json})
 * @param endOfAnswerToken the aligner's end-of-answer token, reported as {@code stop_reason} when it ends an answer
 * @param maxModelLength   the model's context in tokens
 * @param created          when the server started, epoch seconds ({@code created} in {@code /v1/models})
 * @param defaultMaxTokens {@code max_tokens} for requests that send none
 */
record ServedModel(String name, Optional<ChatTemplate> template, GenerationDefaults defaults,
                   Optional<String> endOfAnswerToken, int maxModelLength, long created, int defaultMaxTokens) {

    ServedModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(defaults, "defaults");
        Objects.requireNonNull(endOfAnswerToken, "endOfAnswerToken");
    }
}
