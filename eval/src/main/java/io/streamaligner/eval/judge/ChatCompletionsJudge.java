package io.streamaligner.eval.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A judge behind an OpenAI-compatible {@code POST /chat/completions} endpoint (OpenAI, vLLM, llama.cpp server,
 * Ollama, …), called with the JDK's HTTP client: the rubric as the system message, the comparison as the user
 * message, temperature 0, the key (if any) as a bearer token. Rate limits (429), server errors (5xx) and
 * network failures are retried with doubling back-off (a {@code Retry-After} in seconds is honoured); any other
 * status fails at once, since asking again cannot help.
 */
public final class ChatCompletionsJudge implements JudgeModel {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/chat/completions";
    private static final int BODY_EXCERPT = 300;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    private final HttpClient http;
    private final URI endpoint;
    private final String model;
    private final Optional<String> apiKey;
    private final Duration requestTimeout;
    private final int maxAttempts;
    private final Duration firstBackoff;

    /**
     * @param baseUrl        the API's base URL, e.g. {@code https://api.openai.com/v1}; {@value #PATH} is appended
     *                       unless the URL already ends with it
     * @param model          the judge model's name, sent as {@code model}
     * @param apiKey         sent as {@code Authorization: Bearer …} when present
     * @param maxAttempts    tries per comparison, at least 1
     * @param firstBackoff   the wait before the second try; it doubles for each further one
     */
    public ChatCompletionsJudge(String baseUrl, String model, Optional<String> apiKey, Duration requestTimeout,
                                int maxAttempts, Duration firstBackoff) {
        this.endpoint = endpoint(Objects.requireNonNull(baseUrl, "baseUrl"));
        this.model = Objects.requireNonNull(model, "model");
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey").filter(key -> !key.isBlank());
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.firstBackoff = Objects.requireNonNull(firstBackoff, "firstBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        // HTTP/1.1: an h2c upgrade attempt on plain http:// trips some local inference servers
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(requestTimeout).build();
    }

    /** The chat-completions URL for a base URL. */
    static URI endpoint(String baseUrl) {
        String trimmed = baseUrl.strip().replaceAll("/+$", "");
        URI uri = URI.create(trimmed.endsWith(PATH) ? trimmed : trimmed + PATH);
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new IllegalArgumentException("judge URL must be http(s), got " + baseUrl);
        }
        return uri;
    }

    @Override
    public String reply(String systemPrompt, String userMessage) {
        HttpRequest request = request(systemPrompt, userMessage);
        Duration backoff = firstBackoff;
        String lastProblem = "";
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            Duration wait = backoff;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                int status = response.statusCode();
                if (status == 200) {
                    return content(response.body());
                }
                lastProblem = "HTTP " + status + ": " + excerpt(response.body());
                if (status != 429 && status < 500) {
                    throw new JudgeException("judge at " + endpoint + " refused the request: " + lastProblem);
                }
                wait = retryAfter(response).orElse(backoff);
            } catch (IOException e) {
                lastProblem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JudgeException("interrupted while asking the judge at " + endpoint, e);
            }
            if (attempt < maxAttempts) {
                sleep(wait);
                backoff = backoff.multipliedBy(2);
            }
        }
        throw new JudgeException("judge at " + endpoint + " failed " + maxAttempts + " time(s); last: " + lastProblem);
    }

    private HttpRequest request(String systemPrompt, String userMessage) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", systemPrompt);
        messages.addObject().put("role", "user").put("content", userMessage);
        body.put("temperature", 0);
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        apiKey.ifPresent(key -> builder.header("Authorization", "Bearer " + key));
        return builder.build();
    }

    /** The first choice's message text. */
    private String content(String body) {
        try {
            JsonNode content = JSON.readTree(body).path("choices").path(0).path("message").path("content");
            if (!content.isTextual()) {
                throw new JudgeException("judge reply has no choices[0].message.content: " + excerpt(body));
            }
            return content.asText();
        } catch (IOException e) {
            throw new JudgeException("judge reply is not JSON: " + excerpt(body), e);
        }
    }

    private static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                Duration wait = Duration.ofSeconds(Long.parseLong(value.strip()));
                return Optional.of(wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait);
            } catch (NumberFormatException e) {
                return Optional.empty(); // an HTTP date: keep our own back-off
            }
        });
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JudgeException("interrupted while waiting to ask the judge again", e);
        }
    }

    private static String excerpt(String body) {
        String oneLine = body == null ? "" : body.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= BODY_EXCERPT ? oneLine : oneLine.substring(0, BODY_EXCERPT) + "…";
    }
}
