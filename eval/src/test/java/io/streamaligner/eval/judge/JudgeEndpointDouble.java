package io.streamaligner.eval.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A real HTTP server on 127.0.0.1 standing in for an OpenAI-compatible judge: it records every
 * {@code POST /v1/chat/completions} it receives and answers with what the script says for it.
 */
public final class JudgeEndpointDouble implements AutoCloseable {

    /** One request as the endpoint received it. */
    public record ReceivedRequest(Optional<String> authorization, String model, String system, String user,
                                  double temperature) {
    }

    /** What the endpoint answers: an HTTP status and, for 200, the message content. */
    public record ScriptedResponse(int status, String content) {

        public static ScriptedResponse reply(String content) {
            return new ScriptedResponse(200, content);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<ReceivedRequest> received = Collections.synchronizedList(new ArrayList<>());

    private JudgeEndpointDouble(HttpServer server) {
        this.server = server;
    }

    /** Starts serving on a free port; {@code script} decides each response from the request. */
    public static JudgeEndpointDouble start(Function<ReceivedRequest, ScriptedResponse> script) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        JudgeEndpointDouble endpoint = new JudgeEndpointDouble(server);
        server.createContext("/v1/chat/completions", exchange -> {
            try (exchange) {
                JsonNode body = JSON.readTree(exchange.getRequestBody());
                ReceivedRequest request = new ReceivedRequest(
                        Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")),
                        body.path("model").asText(),
                        body.at("/messages/0/content").asText(),
                        body.at("/messages/1/content").asText(),
                        body.path("temperature").asDouble(Double.NaN));
                endpoint.received.add(request);
                ScriptedResponse response = script.apply(request);
                byte[] bytes = (response.status() == 200
                        ? JSON.createObjectNode().set("choices", JSON.createArrayNode().add(JSON.createObjectNode()
                                .set("message", JSON.createObjectNode().put("role", "assistant").put("content", response.content()))))
                                .toString()
                        : "{\"error\": {\"message\": \"scripted failure\"}}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(response.status(), bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        });
        server.start();
        return endpoint;
    }

    /** The base URL to give as {@code --judge-url}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public List<ReceivedRequest> received() {
        return List.copyOf(received);
    }

    /** Response A of a received comparison. */
    public static String responseA(ReceivedRequest request) {
        return between(request.user(), "[Response A]\n", "\n\n[Response B]\n");
    }

    /** Response B of a received comparison. */
    public static String responseB(ReceivedRequest request) {
        return between(request.user(), "[Response B]\n", "\n\nWhich response");
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        int to = text.indexOf(end, from + start.length());
        return from < 0 || to < 0 ? "" : text.substring(from + start.length(), to);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
