package io.streamaligner.topology.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamaligner.server.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads a {@code text/event-stream} body event by event, as a client does, for the gateway's tests. */
final class ServerSentEvents implements AutoCloseable {

    /** One event: its name and its data, parsed. */
    record Event(String name, JsonNode data) {

        int round() {
            return data.path("round").asInt();
        }
    }

    private final BufferedReader lines;

    ServerSentEvents(InputStream body) {
        this.lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    /** The next event, waiting for it; empty once the stream has ended. */
    Optional<Event> next() {
        try {
            String name = "message";
            StringBuilder data = new StringBuilder();
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        return Optional.of(new Event(name, Json.MAPPER.readTree(data.toString())));
                    }
                } else if (line.startsWith("event: ")) {
                    name = line.substring("event: ".length());
                } else if (line.startsWith("data: ")) {
                    data.append(data.length() > 0 ? "\n" : "").append(line.substring("data: ".length()));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next event, which must come. */
    Event expect(String name) {
        Event event = next().orElseThrow(() -> new AssertionError("the stream ended; expected a " + name + " event"));
        if (!event.name().equals(name)) {
            throw new AssertionError("expected a " + name + " event, got " + event);
        }
        return event;
    }

    /** Every event until the stream ends. */
    List<Event> rest() {
        List<Event> events = new ArrayList<>();
        for (Optional<Event> event = next(); event.isPresent(); event = next()) {
            events.add(event.get());
        }
        return events;
    }

    @Override
    public void close() {
        try {
            lines.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
