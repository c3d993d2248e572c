package io.streamaligner.inference.http;

import java.util.Optional;

/**
 * Reads a server-sent-events stream one line at a time (the HTTP client splits the body into lines) and yields the
 * data of each event: {@code data:} lines joined with {@code \n} until the blank line that ends the event. Comment
 * lines ({@code : keep-alive}) and the {@code event:}, {@code id:} and {@code retry:} fields are tolerated and ignored:
 * OpenAI-compatible servers put everything in {@code data}, errors included. Not thread-safe: one per stream.
 */
final class SseEventReader {

    /** The data with which OpenAI-compatible servers end a stream. */
    static final String DONE = "[DONE]";

    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private boolean firstLine = true;

    /**
     * @param line one line of the stream, without its line terminator
     * @return the event's data when this line (a blank one) completes an event that had data
     */
    Optional<String> accept(String line) {
        if (firstLine) {
            firstLine = false;
            if (line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
        }
        if (line.isEmpty()) {
            return dispatch();
        }
        if (line.startsWith(":")) {
            return Optional.empty();
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        if (!field.equals("data")) {
            return Optional.empty();
        }
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (hasData) {
            data.append('\n');
        }
        data.append(value);
        hasData = true;
        return Optional.empty();
    }

    /**
     * The stream has ended: yields an event whose data came without the closing blank line. The SSE standard drops
     * it, but the body ended cleanly (a cut-off body is an error instead), so a server that omits the last blank line
     * still gets its {@code [DONE]} read.
     */
    Optional<String> finish() {
        return dispatch();
    }

    private Optional<String> dispatch() {
        if (!hasData) {
            return Optional.empty();
        }
        String event = data.toString();
        data.setLength(0);
        hasData = false;
        return Optional.of(event);
    }
}
