package io.streamaligner.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamaligner.inference.ChatTurns;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.template.ChatTemplate;
import io.streamaligner.inference.template.ChatTemplateException;
import io.streamaligner.inference.template.TemplateArguments;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST /v1/chat/completions}: the messages ({@link ChatMessages}) rendered with the model's chat template (the
 * folder's own Jinja template, with the request's {@code chat_template_kwargs}, or the built-in one named), the
 * rendered turns also passed on the engine request; answered as {@code chat.completion} or its chunks.
 */
final class ChatCompletionsEndpoint implements GenerationEndpoint {

    private final ServedModel model;
    private final Clock clock;

    ChatCompletionsEndpoint(ServedModel model, Clock clock) {
        this.model = Objects.requireNonNull(model, "model");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public PreparedGeneration prepare(ObjectNode body) {
        RequestFields fields = new RequestFields(body);
        GenerationOptions options = GenerationOptions.parse(fields, model);
        GenerationOptions.rejectUnlessEmpty(fields, "tools", "tool calling is not supported");
        GenerationOptions.rejectUnlessEmpty(fields, "functions", "function calling is not supported");
        fields.string("chat_template").ifPresent(template -> {
            throw ApiError.badRequest("chat_template",
                    "'chat_template' is not supported: start the server with --template NAME to choose a built-in one");
        });
        fields.object("response_format").ifPresent(format -> {
            String type = new RequestFields(format).string("type").orElse("text");
            if (!type.equals("text")) {
                throw ApiError.badRequest("response_format", "only the 'text' response format is supported");
            }
        });
        ChatTurns turns = ChatMessages.parse(fields);
        ChatTemplate template = model.template().orElseThrow(() -> ApiError.badRequest("messages",
                "the model folder has no chat template; start the server with --template NAME, "
                        + "or use /v1/completions with a rendered prompt"));
        TemplateArguments arguments = templateArguments(fields);
        if (!arguments.isEmpty()) {
            try {
                template = template.withArguments(arguments);
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("chat_template_kwargs", e.getMessage());
            }
        }
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        StopStrings stops = new StopStrings(options.stop());
        CompletionRequest request = options.request(id, render(template, turns), stops).withChat(turns);
        return new PreparedGeneration(request, stops, options.stream(),
                new ResponseShape.Chat(id, clock.instant().getEpochSecond(), model.name(), options.includeUsage()),
                "messages");
    }

    /** {@code chat_template_kwargs}, as vLLM takes them: the template's variables by name. */
    private static TemplateArguments templateArguments(RequestFields fields) {
        Optional<ObjectNode> given = fields.object("chat_template_kwargs");
        if (given.isEmpty()) {
            return TemplateArguments.NONE;
        }
        Map<String, Object> values = new LinkedHashMap<>();
        given.get().fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            Object argument = value.isBoolean() ? (Object) value.booleanValue()
                    : value.isIntegralNumber() && value.canConvertToLong() ? (Object) value.longValue()
                    : value.isNumber() ? value.decimalValue()
                    : value.isTextual() ? value.textValue() : null;
            if (argument == null) {
                throw ApiError.badRequest("chat_template_kwargs." + field.getKey(),
                        "a chat template argument must be a string, a boolean or a number");
            }
            values.put(field.getKey(), argument);
        });
        try {
            return new TemplateArguments(values);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("chat_template_kwargs", e.getMessage());
        }
    }

    /** The prompt; a conversation the template refuses, or arguments it cannot take, is the client's error. */
    private static String render(ChatTemplate template, ChatTurns turns) {
        try {
            return template.render(turns);
        } catch (ChatTemplateException e) {
            throw ApiError.badRequest("messages", e.getMessage());
        }
    }
}
