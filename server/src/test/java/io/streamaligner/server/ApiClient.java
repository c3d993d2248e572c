package io.streamaligner.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The JDK HTTP client against a test server: JSON in, JSON or server-sent events out. */
final class ApiClient {

    private final HttpClient http = HttpClient.newHttpClient();
    private final String root;
    private final Optional<String> key;

    ApiClient(OpenAiServer server) {
        this(server, Optional.empty());
    }

    ApiClient(OpenAiServer server, Optional<String> key) {
        this.root = "http://127.0.0.1:" + server.port();
        this.key = key;
    }

    HttpResponse<String> post(String path, String body) {
        return send(builder(path).POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json"));
    }

    HttpResponse<String> get(String path) {
        return send(builder(path).GET());
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder builder(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(root + path));
        key.ifPresent(value -> builder.header("Authorization", "Bearer " + value));
        return builder;
    }

    /** A successful JSON response's body. */
    JsonNode postJson(String path, String body) {
        HttpResponse<String> response = post(path, body);
        if (response.statusCode() != 200) {
            throw new AssertionError("HTTP " + response.statusCode() + ": " + response.body());
        }
        return json(response.body());
    }

    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** A stream's events: the data of each {@code data:} line, in order ({@code [DONE]} as the text node "[DONE]"). */
    static List<String> events(String body) {
        List<String> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            if (!block.startsWith("data: ")) {
                throw new AssertionError("not a data event: '" + block + "' in " + body);
            }
            events.add(block.substring("data: ".length()));
        }
        return events;
    }

    /** The streamed text of chat chunks ({@code delta.content}) or completion chunks ({@code text}). */
    static String streamedText(List<String> events) {
        StringBuilder text = new StringBuilder();
        for (String event : events) {
            if (event.equals("[DONE]")) {
                continue;
            }
            for (JsonNode choice : json(event).path("choices")) {
                JsonNode piece = choice.has("delta") ? choice.path("delta").path("content") : choice.path("text");
                if (piece.isTextual()) {
                    text.append(piece.asText());
                }
            }
        }
        return text.toString();
    }
}
