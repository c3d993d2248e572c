package io.streamaligner.server;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Objects;

/**
 * The JSON objects one endpoint answers with, in OpenAI's shapes: the whole response, or the stream's chunks. Each
 * response has its own instance ({@code id}, {@code created} and {@code model} are the same in all its chunks).
 */
abstract class ResponseShape {

    /** A text no model writes in a chunk's place, and how JSON writes it. */
    private static final String TEXT_SLOT = "\u0000";
    private static final String QUOTED_TEXT_SLOT = "\"\\u0000\"";

    private final String id;
    private final String object;
    private final long created;
    private final String model;
    private final boolean includeUsage;
    /** The text chunk's event around its text, laid out on first use (a race lays it out twice, the same). */
    private TextEventLayout textEventLayout;

    /**
     * @param object       the response's {@code object}: {@code chat.completion.chunk}, {@code text_completion}, …
     * @param includeUsage whether chunks carry {@code "usage": null} and a usage chunk ends the stream
     */
    ResponseShape(String id, String object, long created, String model, boolean includeUsage) {
        this.id = Objects.requireNonNull(id, "id");
        this.object = Objects.requireNonNull(object, "object");
        this.created = created;
        this.model = Objects.requireNonNull(model, "model");
        this.includeUsage = includeUsage;
    }

    /** The chunks before the first text (chat's role chunk). */
    abstract List<ObjectNode> opening();

    /** A chunk of generated text. */
    abstract ObjectNode text(String text);

    /**
     * A chunk of generated text as a formatted event ({@code data: {json}\n\n}), equal to {@code SseStream.event(text(text))}.
     * A stream writes one per token, so the chunk is laid out once per response and only the text is escaped each time.
     */
    final String textEvent(String text) {
        TextEventLayout layout = textEventLayout;
        if (layout == null) {
            // the text is the chunk's last string: after id, object and model, whatever they hold
            String laidOut = SseStream.event(text(TEXT_SLOT));
            int slot = laidOut.lastIndexOf(QUOTED_TEXT_SLOT);
            layout = new TextEventLayout(laidOut.substring(0, slot), laidOut.substring(slot + QUOTED_TEXT_SLOT.length()));
            textEventLayout = layout;
        }
        return layout.head() + '"' + String.valueOf(JsonStringEncoder.getInstance().quoteAsString(text)) + '"'
                + layout.tail();
    }

    private record TextEventLayout(String head, String tail) {
    }

    /** The chunk that ends the choice. */
    abstract ObjectNode finish(Finish finish);

    /** The non-streaming response. */
    abstract ObjectNode whole(String text, Finish finish, int promptTokens, int completionTokens);

    /** The last chunk with {@code stream_options.include_usage}: no choices, the token counts. */
    final ObjectNode usage(int promptTokens, int completionTokens) {
        ObjectNode chunk = header(object);
        chunk.putArray("choices");
        chunk.set("usage", usageObject(promptTokens, completionTokens));
        return chunk;
    }

    final boolean includeUsage() {
        return includeUsage;
    }

    /** A chunk: the header, one choice, and {@code "usage": null} when a usage chunk will follow. */
    final ObjectNode chunk(ObjectNode choice) {
        ObjectNode chunk = header(object);
        ArrayNode choices = chunk.putArray("choices");
        choices.add(choice);
        if (includeUsage) {
            chunk.putNull("usage");
        }
        return chunk;
    }

    /** The whole response object: the header under {@code wholeObject}, one choice and the usage. */
    final ObjectNode response(String wholeObject, ObjectNode choice, int promptTokens, int completionTokens) {
        ObjectNode response = header(wholeObject);
        response.putArray("choices").add(choice);
        response.set("usage", usageObject(promptTokens, completionTokens));
        return response;
    }

    static ObjectNode choice() {
        ObjectNode choice = Json.MAPPER.createObjectNode();
        choice.put("index", 0);
        return choice;
    }

    static void putFinish(ObjectNode choice, Finish finish) {
        choice.putNull("logprobs");
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish.finishReason());
            choice.put("stop_reason", finish.stopReason());
        }
    }

    private ObjectNode header(String objectName) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", id);
        node.put("object", objectName);
        node.put("created", created);
        node.put("model", model);
        return node;
    }

    private static ObjectNode usageObject(int promptTokens, int completionTokens) {
        ObjectNode usage = Json.MAPPER.createObjectNode();
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        return usage;
    }

    /** {@code /v1/chat/completions}: {@code chat.completion}, chunks with {@code delta}. */
    static final class Chat extends ResponseShape {

        Chat(String id, long created, String model, boolean includeUsage) {
            super(id, "chat.completion.chunk", created, model, includeUsage);
        }

        @Override
        List<ObjectNode> opening() {
            ObjectNode choice = choice();
            ObjectNode delta = choice.putObject("delta");
            delta.put("role", "assistant");
            delta.put("content", "");
            putFinish(choice, null);
            return List.of(chunk(choice));
        }

        @Override
        ObjectNode text(String text) {
            ObjectNode choice = choice();
            choice.putObject("delta").put("content", text);
            putFinish(choice, null);
            return chunk(choice);
        }

        @Override
        ObjectNode finish(Finish finish) {
            ObjectNode choice = choice();
            choice.putObject("delta");
            putFinish(choice, finish);
            return chunk(choice);
        }

        @Override
        ObjectNode whole(String text, Finish finish, int promptTokens, int completionTokens) {
            ObjectNode choice = choice();
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", text);
            putFinish(choice, finish);
            return response("chat.completion", choice, promptTokens, completionTokens);
        }
    }

    /** {@code /v1/completions}: {@code text_completion}, chunks with {@code text}. */
    static final class Text extends ResponseShape {

        Text(String id, long created, String model, boolean includeUsage) {
            super(id, "text_completion", created, model, includeUsage);
        }

        @Override
        List<ObjectNode> opening() {
            return List.of();
        }

        @Override
        ObjectNode text(String text) {
            ObjectNode choice = choice();
            choice.put("text", text);
            putFinish(choice, null);
            return chunk(choice);
        }

        @Override
        ObjectNode finish(Finish finish) {
            ObjectNode choice = choice();
            choice.put("text", "");
            putFinish(choice, finish);
            return chunk(choice);
        }

        @Override
        ObjectNode whole(String text, Finish finish, int promptTokens, int completionTokens) {
            ObjectNode choice = choice();
            choice.put("text", text);
            putFinish(choice, finish);
            return response("text_completion", choice, promptTokens, completionTokens);
        }
    }
}
