package io.streamaligner.inference.http;

import java.util.Objects;
import java.util.Optional;

/**
 * What one streamed JSON chunk says, whichever endpoint sent it.
 *
 * @param text         the new text of the first choice, empty when it has none (the role-only first chat chunk, the
 *                     usage chunk)
 * @param finishReason the first choice's {@code finish_reason} once the server has finished ({@code stop},
 *                     {@code length} …)
 * @param stopReason   vLLM's {@code stop_reason} (SGLang's {@code matched_stop}): the stop string (or token id, as text)
 *                     that ended generation
 * @param usage        the token counts, in the last chunk when {@code stream_options.include_usage} was asked for
 * @param error        an error the server put in the stream (or in a body answered whole)
 */
record StreamChunk(String text, Optional<String> finishReason, Optional<String> stopReason, Optional<Usage> usage,
                   Optional<ServerError> error) {

    /** Token counts as a server reports them. */
    record Usage(int promptTokens, int completionTokens) {
    }

    /**
     * An error object as the server words it. Its numeric {@code code}, where it has one, is not kept: vLLM labels
     * its own faults mid-stream (an engine gone, out of memory) 400 too.
     *
     * @param message its message (or the whole object, when it has none)
     * @param code    its textual {@code code} (OpenAI's {@code context_length_exceeded}), else empty
     * @param type    its {@code type} (llama.cpp's {@code exceed_context_size_error}) or TGI's {@code error_type}, else
     *                empty
     */
    record ServerError(String message, String code, String type) {

        ServerError {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(type, "type");
        }

        static ServerError text(String message) {
            return new ServerError(message, "", "");
        }
    }

    StreamChunk {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(stopReason, "stopReason");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(error, "error");
    }

    static StreamChunk error(ServerError error) {
        return new StreamChunk("", Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(error));
    }
}
