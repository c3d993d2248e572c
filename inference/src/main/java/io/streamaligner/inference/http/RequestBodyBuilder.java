package io.streamaligner.inference.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamaligner.inference.ChatTurns;
import io.streamaligner.inference.CompletionRequest;

import java.util.Objects;

/**
 * Turns a {@link CompletionRequest} into the JSON body of one chat or completions request, streamed or answered whole;
 * what differs between servers comes from {@link ServerKind}. Thread-safe.
 */
final class RequestBodyBuilder {

    private final ObjectMapper json;
    private final HttpModelSettings settings;
    private final String servedModel;

    RequestBodyBuilder(ObjectMapper json, HttpModelSettings settings, String servedModel) {
        this.json = Objects.requireNonNull(json, "json");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.servedModel = Objects.requireNonNull(servedModel, "servedModel");
    }

    /**
     * @throws IllegalArgumentException if the request cannot be sent to this server: a sampling parameter it does not
     *                                  take, no chat turns for the chat API, a continuation OpenAI cannot do
     */
    ObjectNode build(CompletionRequest request, boolean stream) {
        ServerKind server = settings.server();
        server.check(request.sampling(), request.minNewTokens());
        ObjectNode body = json.createObjectNode();
        body.put("model", servedModel);
        if (settings.api() == ApiKind.CHAT) {
            writeMessages(body, request);
        } else {
            server.writeCompletionsPrompt(body, request.prompt(), settings.bosToken());
        }
        body.put("stream", stream);
        if (stream) {
            // a last chunk with empty choices carries the token counts; vLLM refuses stream_options without streaming
            body.putObject("stream_options").put("include_usage", true);
        }
        // always sent: the stop cut closes the connection, but not every server stops generating when it sees that
        body.put(server.maxTokensField(settings.api()), request.maxNewTokens());
        server.writeSampling(body, request.sampling(), request.minNewTokens());
        settings.endOfAnswerToken().ifPresent(token -> {
            body.putArray("stop").add(token);
            server.writeSpecialTokenStop(body);
        });
        return body;
    }

    /** {@link #build} as the bytes to post. */
    byte[] buildBytes(CompletionRequest request, boolean stream) {
        try {
            return json.writeValueAsBytes(build(request, stream));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write a request body: " + e.getMessage(), e);
        }
    }

    private void writeMessages(ObjectNode body, CompletionRequest request) {
        ChatTurns turns = request.chat().orElseThrow(() -> new IllegalArgumentException(
                "the chat API needs the request's chat turns (system, user, assistant prefix), and this request has"
                        + " only a rendered prompt; build it with withChat(...) or use the completions API"));
        ServerKind server = settings.server();
        if (turns.continuesAnswer() && !server.continuesAssistantMessage()) {
            throw new IllegalArgumentException("OpenAI's API cannot continue a partial assistant message; use a server"
                    + " that can (vllm, sglang, llamacpp, tgi, ollama) or start the answer afresh");
        }
        ArrayNode messages = body.putArray("messages");
        if (turns.systemTurn()) {
            messages.addObject().put("role", "system").put("content", turns.system());
        }
        messages.addObject().put("role", "user").put("content", turns.user());
        if (turns.continuesAnswer()) {
            messages.addObject().put("role", "assistant").put("content", turns.assistantPrefix());
        }
        server.writeContinuation(body, turns.continuesAnswer());
        if (!settings.templateArguments().isEmpty()) {
            if (!server.takesChatTemplateArguments()) {
                throw new IllegalArgumentException("the " + server.configValue() + " server takes no chat template "
                        + "arguments (chat_template_kwargs)");
            }
            body.set("chat_template_kwargs", json.valueToTree(settings.templateArguments().values()));
        }
    }
}
