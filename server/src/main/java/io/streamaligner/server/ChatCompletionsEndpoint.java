package io.streamaligner.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamaligner.inference.ChatTurns;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.template.ChatTemplate;

import java.time.Clock;
import java.util.Objects;
import java.util.UUID;

/**
 * {@code POST /v1/chat/completions}: the messages ({@link ChatMessages}) rendered with the model's chat template, the
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
                "the model folder names no chat template; start the server with --template NAME, "
                        + "or use /v1/completions with a rendered prompt"));
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        StopStrings stops = new StopStrings(options.stop());
        CompletionRequest request = options.request(id, template.render(turns), stops).withChat(turns);
        return new PreparedGeneration(request, stops, options.stream(),
                new ResponseShape.Chat(id, clock.instant().getEpochSecond(), model.name(), options.includeUsage()),
                "messages");
    }
}
