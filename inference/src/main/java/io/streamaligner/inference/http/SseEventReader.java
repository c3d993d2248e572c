package io.streamaligner.inference.http;

import java.util.Optional;

/**
 * Reads a server-sent-events stream one line at a time (the HTTP client splits the body into lines) and yields each
 * event: its {@code data:} lines joined with {@code \n} until the blank line that ends it. OpenAI-compatible servers
 * put everything in {@code data}, errors mostly too; but llama.cpp sends a failure as an {@code error:} field (its
 * JSON error object), and a server may name an event {@code event: error}: both make the event an error, its data the
 * error's. Comment lines ({@code : keep-alive}) and the {@code id:} and {@code retry:} fields are ignored. Not
 * thread-safe: one per stream.
 */
final class SseEventReader {

    /** The data with which OpenAI-compatible servers end a stream. */
    static final String DONE = "[DONE]";

    /**
     * One event.
     *
     * @param data  its data lines, joined
     * @param error whether the server sent it as an error ({@code error:} lines or {@code event: error})
     */
    record Event(String data, boolean error) {

        static Event data(String data) {
            return new Event(data, false);
        }
    }

    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    /** The event has an {@code error:} line. */
    private boolean errorField;
    /** The event's type (its last {@code event:} line) is {@code error}. */
    private boolean errorType;
    private boolean firstLine = true;

    /**
     * @param line one line of the stream, without its line terminator
     * @return the event when this line (a blank one) completes an event that had data
     */
    Optional<Event> accept(String line) {
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
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (field.equals("event")) {
            errorType = value.equals("error");
            return Optional.empty();
        }
        if (field.equals("error")) {
            errorField = true;
        } else if (!field.equals("data")) {
            return Optional.empty();
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
    Optional<Event> finish() {
        return dispatch();
    }

    private Optional<Event> dispatch() {
        boolean wasError = errorField || errorType;
        errorField = false; // an event's type lasts until its end, data or not
        errorType = false;
        if (!hasData) {
            return Optional.empty();
        }
        Event event = new Event(data.toString(), wasError);
        data.setLength(0);
        hasData = false;
        return Optional.of(event);
    }
}
