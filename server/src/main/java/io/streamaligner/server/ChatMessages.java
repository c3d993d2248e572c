package io.streamaligner.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamaligner.inference.ChatTurns;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a chat request's {@code messages} into the one conversation the embedded chat templates render: an optional
 * first {@code system} (or {@code developer}) message, one {@code user} message, and an optional final
 * {@code assistant} message whose content the model continues.
 *
 * <p>A final assistant message is continued with {@code continue_final_message: true} and
 * {@code add_generation_prompt: false}, as vLLM takes it, and also without either flag, as llama.cpp and TGI do.
 * Content is a string or a list of {@code {"type": "text", "text": ...}} parts, joined with newlines as vLLM joins
 * them. Anything else (several user turns, tool messages, images) is a 400 that says what this server takes.
 */
final class ChatMessages {

    private static final String SHAPE = "this server renders one conversation turn: an optional first system message, "
            + "one user message and an optional final assistant message to continue";

    private ChatMessages() {
    }

    /** @throws ApiError 400 for messages of another shape */
    static ChatTurns parse(RequestFields fields) {
        JsonNode messages = fields.node("messages")
                .orElseThrow(() -> ApiError.badRequest("messages", "'messages' is required"));
        if (!messages.isArray() || messages.isEmpty()) {
            throw ApiError.badRequest("messages", "'messages' must be a non-empty list of messages");
        }
        List<String> roles = new ArrayList<>();
        List<String> contents = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String param = "messages[" + i + "]";
            if (!(message instanceof ObjectNode object)) {
                throw ApiError.badRequest(param, "each message must be an object with 'role' and 'content'");
            }
            RequestFields messageFields = new RequestFields(object);
            String role = messageFields.string("role")
                    .orElseThrow(() -> ApiError.badRequest(param + ".role", "each message needs a 'role'"));
            GenerationOptions.rejectUnlessEmpty(messageFields, "tool_calls", SHAPE + "; tool calls are not supported");
            roles.add(role);
            contents.add(content(messageFields, param + ".content", role));
        }

        int user = roles.indexOf("user");
        boolean system = !roles.isEmpty() && (roles.get(0).equals("system") || roles.get(0).equals("developer"));
        boolean assistantLast = roles.get(roles.size() - 1).equals("assistant");
        int expected = (system ? 1 : 0) + 1 + (assistantLast ? 1 : 0);
        if (user != (system ? 1 : 0) || roles.size() != expected) {
            throw ApiError.badRequest("messages", SHAPE + "; got roles " + roles);
        }

        Optional<Boolean> continueFinal = fields.bool("continue_final_message");
        Optional<Boolean> generationPrompt = fields.bool("add_generation_prompt");
        if (continueFinal.orElse(false) && generationPrompt.orElse(false)) {
            throw ApiError.badRequest("continue_final_message",
                    "'continue_final_message' and 'add_generation_prompt' cannot both be true");
        }
        if (continueFinal.orElse(false) && !assistantLast) {
            throw ApiError.badRequest("continue_final_message",
                    "'continue_final_message' needs a final assistant message to continue");
        }
        // vLLM would close the final assistant turn and open a new one; this server only continues it
        if (assistantLast && continueFinal.isPresent() && !continueFinal.get()) {
            throw ApiError.badRequest("continue_final_message",
                    SHAPE + "; a final assistant message is always continued (its turn cannot be closed here)");
        }
        if (assistantLast && generationPrompt.orElse(false)) {
            throw ApiError.badRequest("add_generation_prompt",
                    SHAPE + "; a final assistant message is always continued, so 'add_generation_prompt': true (a new "
                            + "assistant turn after it) cannot be served here");
        }
        if (!assistantLast && generationPrompt.isPresent() && !generationPrompt.get()) {
            throw ApiError.badRequest("add_generation_prompt",
                    "'add_generation_prompt': false needs a final assistant message to continue");
        }
        // an empty system message stays a system turn: the template then writes no default system prompt of its own
        return new ChatTurns(system ? contents.get(0) : "", contents.get(user),
                assistantLast ? contents.get(contents.size() - 1) : "", system);
    }

    private static String content(RequestFields message, String param, String role) {
        Optional<JsonNode> found = message.node("content");
        if (found.isEmpty()) {
            if (role.equals("assistant")) {
                return "";
            }
            throw ApiError.badRequest(param, "a " + role + " message needs 'content'");
        }
        JsonNode content = found.get();
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw RequestFields.wrongType(param, "a string or a list of text parts", content);
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String partParam = param + "[" + i + "]";
            if (!(part instanceof ObjectNode partObject)) {
                throw ApiError.badRequest(partParam, "a content part must be an object {\"type\": \"text\", \"text\": ...}");
            }
            RequestFields partFields = new RequestFields(partObject);
            String type = partFields.string("type").orElse("");
            if (!type.equals("text")) {
                throw ApiError.badRequest(partParam + ".type",
                        "only text content parts are supported, got type '" + type + "'");
            }
            texts.add(partFields.string("text")
                    .orElseThrow(() -> ApiError.badRequest(partParam + ".text", "a text part needs 'text'")));
        }
        return String.join("\n", texts);
    }
}
