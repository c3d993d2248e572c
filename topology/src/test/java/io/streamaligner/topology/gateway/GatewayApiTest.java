package io.streamaligner.topology.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamaligner.client.ResponseListener;
import io.streamaligner.loop.LoopLimits;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.GenerationParams;
import io.streamaligner.server.Json;
import io.streamaligner.topology.http.ApplicationHttpServer;
import io.streamaligner.topology.metrics.LoopFigures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.streamaligner.topology.gateway.LoopEvents.answerFinal;
import static io.streamaligner.topology.gateway.LoopEvents.delta;
import static io.streamaligner.topology.gateway.LoopEvents.sentence;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's HTTP API on a real Jetty server and the JDK's HTTP client, with the test playing the loop's part (it
 * decides when each event of a request comes), so that streams can be held open, cut and overtaken at will.
 */
class GatewayApiTest {

    private static final String QUESTION = "{\"question\": \"What is 2 + 3 - 1?\"}";
    /** A safety net for a hung test, not a measure of speed. */
    private static final Duration SAFETY_NET = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final HandDrivenLoop loop = new HandDrivenLoop();
    private final List<AutoCloseable> started = new ArrayList<>();
    private String baseUrl;
    private AlignGateway gateway;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : started) {
            closeable.close();
        }
    }

    @Test
    void shouldStreamARequestsEventsAsTheLoopWritesThemAndEndAfterTheFinal() throws Exception {
        serve(10, 4, Optional.empty(), List.of(), true);

        HttpResponse<InputStream> response = post(QUESTION);
        Submitted submitted = loop.next();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(submitted.request().getQuestion()).isEqualTo("What is 2 + 3 - 1?");
        String id = submitted.request().getRequestId();
        try (ServerSentEvents events = new ServerSentEvents(response.body())) {
            JsonNode request = events.expect("request").data();
            assertThat(request.path("request_id").asText()).isEqualTo(id);
            assertThat(request.path("generation").path("seed").asLong()).as("the default sampling's").isEqualTo(1);

            submitted.listener().onUpstreamDelta(delta(id, 1, 0, "First, 2 + 3 = 6."));
            assertThat(events.expect("token").data().path("text").asText()).as("before the sentence is aligned")
                    .isEqualTo("First, 2 + 3 = 6.");
            submitted.listener().onSentence(sentence(id, 1, "First, 2 + 3 = 6.", "First, 2 + 3 = 5."));
            JsonNode sentence = events.expect("sentence").data();
            assertThat(sentence.path("corrected").asText()).isEqualTo("First, 2 + 3 = 5.");
            assertThat(sentence.path("changed").asBoolean()).isTrue();
            submitted.listener().onFinal(answerFinal(id, "First, 2 + 3 = 5.", 1));
            submitted.answer().complete(answerFinal(id, "First, 2 + 3 = 5.", 1));
            assertThat(events.expect("final").data().path("answer").asText()).isEqualTo("First, 2 + 3 = 5.");
            assertThat(events.next()).as("the stream ends after the final").isEmpty();
        }
    }

    @Test
    void shouldAnswerBadInputWithAJsonErrorAndSendNothing() throws Exception {
        serve(10, 4, Optional.empty(), List.of(), true);

        assertError(post("{\"question\": ", "application/json"), 400, "The body is not valid JSON");
        assertError(post("[\"What is 2 + 2?\"]", "application/json"), 400, "The body must be a JSON object.");
        assertError(post("{\"question\": \"q\", \"rounds\": 2}", "application/json"), 400, "Unknown field 'rounds'");
        assertError(post("{\"question\": \"q\", \"system\": \"" + "s".repeat(1025) + "\"}", "application/json"), 400,
                "system prompt is 1025 bytes (UTF-8), more than the 1024 allowed");
        assertError(post(QUESTION, "text/plain"), 415, "Send the body as application/json");
        assertError(post("{\"question\": \"" + "x".repeat(GatewayApi.MAX_BODY_BYTES) + "\"}", "application/json"),
                413, "larger than this server's limit");
        assertError(get("/v1/align"), 405, "GET is not allowed on /v1/align; use POST.");
        assertError(get("/v1/requests/nobody/events"), 404, "No request nobody is known here");
        assertError(get("/v1/elsewhere"), 404, "Invalid URL (GET /v1/elsewhere)");
        assertThat(loop.submitted).isEmpty();
        assertThat(figures().path("streams_open").asInt()).as("every refusal gave its permit back").isZero();
    }

    @Test
    void shouldRequireTheKeyWhenOneIsConfigured() throws Exception {
        serve(10, 4, Optional.of("k3y"), List.of(), true);

        HttpResponse<String> without = http.send(request("/v1/loop").build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> wrong = http.send(request("/v1/loop").header("Authorization", "Bearer nope").build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> right = http.send(request("/v1/loop").header("Authorization", "Bearer k3y").build(),
                HttpResponse.BodyHandlers.ofString());

        assertError(without, 401, "Incorrect or missing API key");
        assertThat(without.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertError(wrong, 401, "Incorrect or missing API key");
        assertThat(right.statusCode()).isEqualTo(200);
        HttpResponse<InputStream> aligned = http.send(request("/v1/align").header("Authorization", "Bearer k3y")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(QUESTION)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(aligned.statusCode()).isEqualTo(200);
        aligned.body().close();
    }

    @Test
    void shouldAnswerOnlyLoopbackNamesWithoutAKeyAgainstDnsRebinding() throws Exception {
        serve(10, 4, Optional.empty(), List.of(), true);

        assertThat(rawPostStatus("rebound.example.com:" + URI.create(baseUrl).getPort())).isEqualTo(403);
        assertThat(loop.submitted).as("nothing sent for another site's name").isEmpty();
        assertThat(rawPostStatus("localhost:" + URI.create(baseUrl).getPort())).isEqualTo(200);
        loop.next();
    }

    @Test
    void shouldLeaveTheHostToTheKeyWhenOneIsConfigured() throws Exception {
        serve(10, 4, Optional.of("k3y"), List.of(), true);

        assertThat(rawPostStatus("app.internal.example:443")).as("no key").isEqualTo(401);
    }

    @Test
    void shouldEndTheStreamWithAnErrorWhenTheRequestCannotBeSent() throws Exception {
        serve(10, 4, Optional.empty(), List.of(), false);
        gateway.connect((request, listener) -> {
            throw new IllegalArgumentException("the producer refused the record");
        }, () -> { });

        HttpResponse<InputStream> response = post(QUESTION);

        assertThat(response.statusCode()).isEqualTo(200);
        try (ServerSentEvents events = new ServerSentEvents(response.body())) {
            List<ServerSentEvents.Event> rest = events.rest();
            assertThat(rest).extracting(ServerSentEvents.Event::name).containsExactly("request", "error");
            assertThat(rest.get(1).data().path("stage").asText()).isEqualTo("GATEWAY");
            assertThat(rest.get(1).data().path("message").asText())
                    .isEqualTo("the request could not be sent to Kafka: the producer refused the record");
        }
        awaitStreamsOpen(0);
    }

    @Test
    void shouldSendNoCorsHeadersUnlessTheOriginIsConfigured() throws Exception {
        serve(10, 4, Optional.empty(), List.of("https://app.example.com"), true);

        HttpResponse<String> other = http.send(request("/v1/loop").header("Origin", "https://evil.example").build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> allowed = http.send(request("/v1/loop").header("Origin", "https://app.example.com").build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> preflight = http.send(request("/v1/align").header("Origin", "https://app.example.com")
                .header("Access-Control-Request-Method", "POST").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> otherPreflight = http.send(request("/v1/align").header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.headers().map()).doesNotContainKey("access-control-allow-origin");
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
        assertThat(allowed.headers().firstValue("Vary")).hasValue("Origin");
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET, POST");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers")).hasValue("authorization, content-type");
        assertError(otherPreflight, 405, "OPTIONS is not allowed on /v1/align");
        assertThat(otherPreflight.headers().map()).doesNotContainKey("access-control-allow-origin");
    }

    @Test
    void shouldAnswer503WhileTheLoopIsStartingAndWhileEveryKeptRequestRuns() throws Exception {
        serve(1, 4, Optional.empty(), List.of(), false);
        HttpResponse<String> starting = post(QUESTION, "application/json");
        assertError(starting, 503, "The loop is starting");
        assertThat(starting.headers().firstValue("Retry-After")).hasValue("1");

        gateway.connect(loop, () -> { });
        HttpResponse<InputStream> running = post(QUESTION);
        Submitted first = loop.next();
        assertError(post(QUESTION, "application/json"), 503, "as many requests under way as it keeps");

        String id = first.request().getRequestId();
        first.listener().onFinal(answerFinal(id, "done", 1));
        HttpResponse<InputStream> next = post(QUESTION);
        assertThat(next.statusCode()).as("the finished one made room").isEqualTo(200);
        running.body().close();
        next.body().close();
    }

    @Test
    void shouldAnswer503BeyondTheStreamLimitAndTakeAnotherOnceOneHasEnded() throws Exception {
        serve(10, 2, Optional.empty(), List.of(), true);
        HttpResponse<InputStream> first = post(QUESTION);
        HttpResponse<InputStream> second = post(QUESTION);
        Submitted firstRequest = loop.next();
        loop.next();

        assertError(post(QUESTION, "application/json"), 503, "As many event streams are open as this gateway serves (2)");
        assertError(get("/v1/requests/" + firstRequest.request().getRequestId() + "/events"), 503, "As many event streams");
        assertThat(loop.submitted).as("refused before anything was sent").isEmpty();

        String id = firstRequest.request().getRequestId();
        firstRequest.listener().onFinal(answerFinal(id, "done", 1));
        try (ServerSentEvents events = new ServerSentEvents(first.body())) {
            assertThat(events.rest()).extracting(ServerSentEvents.Event::name).containsExactly("request", "final");
        }
        awaitStreamsOpen(1);
        HttpResponse<InputStream> third = post(QUESTION);
        assertThat(third.statusCode()).isEqualTo(200);
        second.body().close();
        third.body().close();
    }

    @Test
    void shouldKeepARequestGoingWhenItsClientGoesAndReplayItsEvents() throws Exception {
        serve(10, 4, Optional.empty(), List.of(), true);
        HttpResponse<InputStream> response = post(QUESTION);
        Submitted submitted = loop.next();
        String id = submitted.request().getRequestId();
        new ServerSentEvents(response.body()).expect("request");

        response.body().close();
        // the gateway finds the client gone when a write fails; the socket may take a write or two after the close
        // (the client's close is asynchronous), so tokens come until the stream has given its permit back
        StringBuilder tokens = new StringBuilder();
        long deadline = System.nanoTime() + SAFETY_NET.toNanos();
        for (int index = 0; gateway.openStreams() != 0; index++) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(gateway.openStreams() + " streams open after " + index + " tokens");
            }
            String token = index == 0 ? "First" : index == 1 ? ", 2 + 3 = 6." : " More.";
            submitted.listener().onUpstreamDelta(delta(id, 1, index, token));
            tokens.append(token);
            Thread.sleep(10);
        }
        submitted.listener().onSentence(sentence(id, 1, "First, 2 + 3 = 6.", "First, 2 + 3 = 5."));

        assertThat(submitted.answer()).as("going away cancels nothing").isNotDone();
        HttpResponse<InputStream> replay = get("/v1/requests/" + id + "/events", HttpResponse.BodyHandlers.ofInputStream());
        try (ServerSentEvents events = new ServerSentEvents(replay.body())) {
            events.expect("request");
            assertThat(events.expect("token").data().path("text").asText()).as("the settled round's tokens, joined")
                    .isEqualTo(tokens.toString());
            events.expect("sentence");
            submitted.listener().onUpstreamDelta(delta(id, 2, 0, " The answer is 4."));
            assertThat(events.expect("token").round()).as("then live").isEqualTo(2);
            submitted.listener().onSentence(sentence(id, 2, "The answer is 4.", "The answer is 4."));
            submitted.listener().onFinal(answerFinal(id, "First, 2 + 3 = 5. The answer is 4.", 2));
            assertThat(events.rest()).extracting(ServerSentEvents.Event::name).containsExactly("sentence", "final");
        }
    }

    @Test
    void shouldNotLetAClientThatReadsNothingHoldUpTheLoopOrTheOthers() throws Exception {
        serve(10, 4, Optional.empty(), List.of(), true);
        String body = QUESTION;
        try (Socket stuck = new Socket()) {
            stuck.setReceiveBufferSize(4096);
            stuck.connect(new InetSocketAddress("127.0.0.1", URI.create(baseUrl).getPort()));
            OutputStream out = stuck.getOutputStream();
            out.write(("POST /v1/align HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            Submitted slow = loop.next();
            String slowId = slow.request().getRequestId();

            // far more than the socket buffers hold: on the loop's thread each call only queues its text
            String piece = "x".repeat(256 * 1024);
            for (int i = 0; i < 100; i++) {
                slow.listener().onUpstreamDelta(delta(slowId, 1, i, piece));
            }

            HttpResponse<InputStream> other = post(QUESTION);
            Submitted quick = loop.next();
            String quickId = quick.request().getRequestId();
            quick.listener().onUpstreamDelta(delta(quickId, 1, 0, "First."));
            quick.listener().onSentence(sentence(quickId, 1, "First.", "First."));
            quick.listener().onFinal(answerFinal(quickId, "First.", 1));
            try (ServerSentEvents events = new ServerSentEvents(other.body())) {
                assertThat(events.rest()).extracting(ServerSentEvents.Event::name)
                        .containsExactly("request", "token", "sentence", "final");
            }
            slow.listener().onFinal(answerFinal(slowId, "x", 1));
        }
    }

    @Test
    void shouldServeTheLoopsFiguresWithTheStreamsOpen() throws Exception {
        serve(10, 4, Optional.empty(), List.of(), true);

        JsonNode figures = figures();

        assertThat(figures.path("requests_in_flight").asInt()).isEqualTo(3);
        assertThat(figures.path("rounds_per_second").asDouble()).as("no second look yet").isZero();
        assertThat(figures.path("round_p50_ms").path("upstream").asDouble()).isEqualTo(14.2);
        assertThat(figures.path("round_p50_ms").path("aligner").asDouble()).isEqualTo(6.1);
        assertThat(figures.path("round_p50_ms").path("kafka").asDouble()).isEqualTo(9.0);
        assertThat(figures.path("streams_open").asInt()).isZero();
        assertThat(figures.path("streams_max").asInt()).isEqualTo(4);
    }

    private void serve(int keptRequests, int maxStreams, Optional<String> key, List<String> origins, boolean connected) {
        gateway = new AlignGateway(keptRequests, maxStreams, GenerationParams.newBuilder().setSeed(1).build(),
                new LoopLimits(128, 128, 1024));
        if (connected) {
            gateway.connect(loop, () -> { });
        }
        ApplicationHttpServer server = ApplicationHttpServer.builder("127.0.0.1", 0)
                .route("/v1/*", new GatewayApi(gateway, key, origins, () -> new LoopFigures(3, 40, 14.24, 6.06, 9.0)))
                .start();
        started.add(gateway);
        started.add(server);
        baseUrl = server.baseUrl();
    }

    private JsonNode figures() throws Exception {
        return Json.MAPPER.readTree(get("/v1/loop").body());
    }

    /** Waits until as many streams are open as {@code count}: a stream gives its permit back once its response ends. */
    private void awaitStreamsOpen(int count) throws Exception {
        long deadline = System.nanoTime() + SAFETY_NET.toNanos();
        while (gateway.openStreams() != count) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(gateway.openStreams() + " streams open, expected " + count);
            }
            Thread.sleep(10);
        }
    }

    /** The status of a POST /v1/align sent with {@code host} as its Host header (which the JDK's client will not set). */
    private int rawPostStatus(String host) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setSoTimeout((int) SAFETY_NET.toMillis());
            socket.connect(new InetSocketAddress("127.0.0.1", URI.create(baseUrl).getPort()));
            socket.getOutputStream().write(("POST /v1/align HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json"
                    + "\r\nContent-Length: " + QUESTION.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + QUESTION)
                    .getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            StringBuilder statusLine = new StringBuilder();
            InputStream in = socket.getInputStream();
            for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
                statusLine.append((char) c);
            }
            return Integer.parseInt(statusLine.toString().split(" ")[1]);
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(SAFETY_NET);
    }

    private HttpResponse<InputStream> post(String body) throws Exception {
        return http.send(request("/v1/align").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private HttpResponse<String> post(String body, String contentType) throws Exception {
        return http.send(request("/v1/align").header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return get(path, HttpResponse.BodyHandlers.ofString());
    }

    private <T> HttpResponse<T> get(String path, HttpResponse.BodyHandler<T> handler) throws Exception {
        return http.send(request(path).build(), handler);
    }

    private static void assertError(HttpResponse<String> response, int status, String message) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(Json.MAPPER.readTree(response.body()).path("error").path("message").asText()).contains(message);
    }

    /** A request the gateway sent: the test plays the loop and writes its events. */
    record Submitted(AlignmentRequest request, ResponseListener listener, CompletableFuture<AnswerFinal> answer) {
    }

    /** The loop's part, played by the test: it keeps what was sent and lets the test write each event. */
    static final class HandDrivenLoop implements AlignGateway.Loop {

        final BlockingQueue<Submitted> submitted = new LinkedBlockingQueue<>();

        @Override
        public CompletableFuture<AnswerFinal> submit(AlignmentRequest request, ResponseListener listener) {
            CompletableFuture<AnswerFinal> answer = new CompletableFuture<>();
            submitted.add(new Submitted(request, listener, answer));
            return answer;
        }

        Submitted next() throws InterruptedException {
            Submitted next = submitted.poll(SAFETY_NET.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(next).as("a request sent to the loop").isNotNull();
            return next;
        }
    }
}
