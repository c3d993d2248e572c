package io.streamaligner.inference.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on loopback ({@link HttpServer} on 127.0.0.1, port 0) that plays an OpenAI-compatible model
 * server: {@code GET /v1/models} lists models (or answers a status), and {@code POST /v1/chat/completions} or
 * {@code /v1/completions} is answered by the {@link Responder} a test sets, typically the replay of a recorded stream
 * written in small pieces, each flushed, some of them ending inside a multi-byte UTF-8 character. It records every
 * request it gets.
 */
final class LocalOpenAiServer implements AutoCloseable {

    /** What the server does with a completion request. */
    @FunctionalInterface
    interface Responder {
        void respond(HttpExchange exchange, Received request) throws IOException, InterruptedException;
    }

    /** A request as the server got it. */
    record Received(String method, String path, Map<String, List<String>> headers, byte[] body,
                    CompletableFuture<Void> clientGone, int clientPort) {

        /** The first value of a header, whatever its case. */
        Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .flatMap(entry -> entry.getValue().stream())
                    .findFirst();
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static final String MODEL = "Qwen/Qwen2.5-1.5B-Instruct";
    /** The longest a responder that holds a stream open waits for the client to go away. */
    private static final long HOLD_OPEN_MS = 15_000;
    private static final int PIECE_BYTES = 7;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "local-openai-server");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicInteger midCharacterFlushes = new AtomicInteger();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile int modelsStatus = 200;
    private volatile String modelsBody = modelList(MODEL);
    private volatile Responder responder = (exchange, request) -> status(404, Map.of(), "").respond(exchange, request);

    private LocalOpenAiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(handlers);
        server.createContext("/v1/", this::handle);
        server.start();
    }

    static LocalOpenAiServer start() {
        try {
            return new LocalOpenAiServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:PORT/v1}. */
    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    /** {@code GET /v1/models} lists these ids. */
    LocalOpenAiServer listing(String... modelIds) {
        modelsStatus = 200;
        modelsBody = modelList(modelIds);
        return this;
    }

    /** {@code GET /v1/models} answers this status and body. */
    LocalOpenAiServer modelsAnswer(int status, String body) {
        modelsStatus = status;
        modelsBody = body;
        return this;
    }

    /** How completion requests are answered from now on. */
    LocalOpenAiServer answering(Responder newResponder) {
        responder = newResponder;
        return this;
    }

    /** The completion requests (POSTs) received so far. */
    List<Received> completionRequests() {
        return received.stream().filter(request -> request.method().equals("POST")).toList();
    }

    /** The one completion request received so far. */
    Received onlyCompletionRequest() {
        List<Received> posts = completionRequests();
        if (posts.size() != 1) {
            throw new AssertionError("expected one completion request, got " + posts.size());
        }
        return posts.get(0);
    }

    /** The {@code GET /v1/models} requests received so far. */
    List<Received> modelRequests() {
        return received.stream().filter(request -> request.path().equals("/v1/models")).toList();
    }

    /** How many flushes so far left a multi-byte UTF-8 character cut in two. */
    int midCharacterFlushes() {
        return midCharacterFlushes.get();
    }

    @Override
    public void close() {
        closing.countDown();
        stopNow();
        handlers.shutdownNow();
    }

    /** Closes the listening socket and every open connection at once. */
    private void stopNow() {
        if (stopped.compareAndSet(false, true)) {
            server.stop(0);
        }
    }

    private void handle(HttpExchange exchange) {
        try {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()), body, new CompletableFuture<>(),
                    exchange.getRemoteAddress().getPort());
            received.add(request);
            if (request.method().equals("GET") && request.path().equals("/v1/models")) {
                status(modelsStatus, Map.of("Content-Type", "application/json"), modelsBody)
                        .respond(exchange, request);
            } else if (request.method().equals("POST") && (request.path().equals("/v1/chat/completions")
                    || request.path().equals("/v1/completions"))) {
                responder.respond(exchange, request);
            } else {
                status(404, Map.of(), "").respond(exchange, request);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away: nothing more to write
        } finally {
            exchange.close();
        }
    }

    // ---- responders ----

    /** Replays a recorded stream ({@code src/test/resources/sse/NAME}) to its end, in small flushed pieces. */
    Responder replay(String fixture) {
        return stream(fixtureBytes(fixture));
    }

    /** Writes these stream events in small flushed pieces and ends the body cleanly. */
    Responder stream(String events) {
        return stream(events.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes these stream bytes in small flushed pieces and ends the body cleanly. */
    Responder stream(byte[] bytes) {
        return (exchange, request) -> {
            OutputStream out = startEventStream(exchange);
            writeInPieces(out, bytes);
        };
    }

    /**
     * Replays a recorded stream up to (not including) the first event whose data contains {@code marker}, then keeps
     * the stream open with keep-alive comments until a write fails because the client closed the connection; that
     * completes the request's {@link Received#clientGone()}.
     */
    Responder replayUntilClientLeaves(String fixture, String marker) {
        String text = new String(fixtureBytes(fixture), StandardCharsets.UTF_8);
        int at = text.indexOf(marker);
        if (at < 0) {
            throw new IllegalArgumentException(fixture + " has no " + marker);
        }
        byte[] head = text.substring(0, text.lastIndexOf("data:", at)).getBytes(StandardCharsets.UTF_8);
        return (exchange, request) -> {
            OutputStream out = startEventStream(exchange);
            try {
                writeInPieces(out, head);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HOLD_OPEN_MS);
                while (System.nanoTime() < deadline && closing.getCount() > 0) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    closing.await(20, TimeUnit.MILLISECONDS);
                }
            } catch (IOException clientClosed) {
                request.clientGone().complete(null);
                throw clientClosed;
            }
        };
    }

    /** Writes these stream bytes, then says nothing more (until the server closes). */
    Responder streamThenSilence(String events) {
        return (exchange, request) -> {
            OutputStream out = startEventStream(exchange);
            writeInPieces(out, events.getBytes(StandardCharsets.UTF_8));
            closing.await(HOLD_OPEN_MS, TimeUnit.MILLISECONDS);
        };
    }

    /** Sends neither status nor headers (until the server closes). */
    Responder silence() {
        return (exchange, request) -> closing.await(HOLD_OPEN_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Writes these stream events, then dies as a crashing server process does: every connection is dropped without
     * the end of the chunked body, and the server takes no more requests.
     */
    Responder streamThenDie(String events) {
        byte[] bytes = events.getBytes(StandardCharsets.UTF_8);
        return (exchange, request) -> {
            OutputStream out = startEventStream(exchange);
            writeInPieces(out, bytes);
            stopNow();
        };
    }

    /** Answers a status with headers and a body. */
    static Responder status(int status, Map<String, String> headers, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return (exchange, request) -> {
            headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        };
    }

    static byte[] fixtureBytes(String fixture) {
        try (InputStream in = LocalOpenAiServer.class.getResourceAsStream("/sse/" + fixture)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture sse/" + fixture);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static OutputStream startEventStream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0); // chunked: every flush below is one HTTP chunk
        return exchange.getResponseBody();
    }

    /**
     * Writes {@code bytes} a few at a time, flushing each piece; a piece also ends right after the first byte of every
     * multi-byte UTF-8 character, so that the client's decoder gets the character in two reads.
     */
    private void writeInPieces(OutputStream out, byte[] bytes) throws IOException, InterruptedException {
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            boolean leadByte = (bytes[i] & 0xC0) == 0xC0;
            if (leadByte || i + 1 - start >= PIECE_BYTES || i + 1 == bytes.length) {
                out.write(bytes, start, i + 1 - start);
                out.flush();
                start = i + 1;
                if (leadByte) {
                    midCharacterFlushes.incrementAndGet();
                    Thread.sleep(1); // let the piece leave as its own TCP segment
                }
            }
        }
    }

    private static String modelList(String... ids) {
        StringBuilder body = new StringBuilder("{\"object\":\"list\",\"data\":[");
        for (int i = 0; i < ids.length; i++) {
            body.append(i == 0 ? "" : ",").append("{\"id\":\"").append(ids[i])
                    .append("\",\"object\":\"model\",\"created\":1767225600,\"owned_by\":\"")
                    .append(ids[i].toLowerCase(Locale.ROOT).contains("gpt") ? "openai" : "vllm")
                    .append("\",\"max_model_len\":32768}");
        }
        return body.append("]}").toString();
    }
}
