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
 * @param error        the message of an error object the server put in the stream
 */
record StreamChunk(String text, Optional<String> finishReason, Optional<String> stopReason, Optional<Usage> usage,
                   Optional<String> error) {

    /** Token counts as a server reports them. */
    record Usage(int promptTokens, int completionTokens) {
    }

    StreamChunk {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(stopReason, "stopReason");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(error, "error");
    }

    static StreamChunk error(String message) {
        return new StreamChunk("", Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(message));
    }
}
