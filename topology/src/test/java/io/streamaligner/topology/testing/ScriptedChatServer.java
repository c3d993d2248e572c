package io.streamaligner.topology.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamaligner.inference.http.RawHttp;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A real HTTP/1.1 server on loopback, on plain sockets so that it can misbehave as a failing model server does: it
 * answers OpenAI-style streaming chat requests ({@code POST /v1/chat/completions}) for each question (the user
 * message) as its {@link Fault} says — a scripted answer written sentence by sentence over SSE, or a 500, a 429 with
 * {@code Retry-After}, a hang, a connection reset mid-stream, a malformed chunk. A user message with no scripted
 * answer can be answered by a function of it ({@link #replyWith}), as a teacher model answers its prompt. A request
 * with {@code "stream": false} gets its text in one JSON response, as OpenAI-compatible servers answer it.
 * {@code GET /v1/models} lists one model. It records when each question's requests came, and every user message.
 */
public final class ScriptedChatServer implements AutoCloseable {

    /** How the server answers a question. */
    public enum Fault {
        /** The scripted answer's next sentence, streamed in two chunks, then {@code finish_reason: stop}. */
        NONE,
        /** {@code 500 Internal Server Error}. */
        SERVER_ERROR,
        /** {@code 429 Too Many Requests} with {@code Retry-After: 1}. */
        TOO_MANY_REQUESTS,
        /** Response headers, then nothing: the client's timeout must end it. */
        HANG,
        /** One chunk of text, then a TCP reset. */
        RESET,
        /** One chunk that is not JSON. */
        MALFORMED
    }

    public static final String MODEL = "scripted";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServerSocket socket;
    private final ExecutorService connections = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "scripted-chat-server");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final Map<String, List<String>> answers = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> requestNanos = new ConcurrentHashMap<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final List<String> userMessages = new CopyOnWriteArrayList<>();
    private volatile Function<String, String> reply;

    public ScriptedChatServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        connections.execute(this::accept);
    }

    /** The base URL clients configure, {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
    }

    public ScriptedChatServer answer(String question, String... sentences) {
        answers.put(question, List.of(sentences));
        return this;
    }

    /**
     * Answers each request whose user message has no scripted answer with the whole text {@code replyTo} computes from
     * that message, streamed in three pieces.
     */
    public ScriptedChatServer replyWith(Function<String, String> replyTo) {
        reply = replyTo;
        return this;
    }

    /** Every chat request's user message, in the order they came. */
    public List<String> userMessages() {
        return List.copyOf(userMessages);
    }

    public ScriptedChatServer fail(String question, Fault fault) {
        faults.put(question, fault);
        return this;
    }

    /** When each chat request for {@code question} arrived ({@link System#nanoTime()}), in order. */
    public List<Long> requests(String question) {
        return List.copyOf(requestNanos.getOrDefault(question, List.of()));
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket connection : open) {
            connection.close();
        }
        connections.shutdownNow();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                open.add(connection);
                connections.execute(() -> serve(connection));
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Serves the requests of one keep-alive connection until the client closes it or a fault ends it. */
    private void serve(Socket connection) {
        try (connection) {
            InputStream in = new BufferedInputStream(connection.getInputStream());
            OutputStream out = connection.getOutputStream();
            while (true) {
                String head = RawHttp.readHead(in);
                if (head == null) {
                    return;
                }
                String[] requestLine = head.lines().findFirst().orElse("").split(" ");
                int length = RawHttp.contentLength(head);
                byte[] body = in.readNBytes(length);
                if (requestLine.length > 1 && requestLine[1].endsWith("/models")) {
                    respond(out, 200, "{\"object\":\"list\",\"data\":[{\"id\":\"" + MODEL + "\",\"object\":\"model\"}]}");
                } else if (!chat(connection, out, JSON.readTree(body))) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away, or the server closed
        } finally {
            open.remove(connection);
        }
    }

    /** Answers one chat request; whether the connection can serve another. */
    private boolean chat(Socket connection, OutputStream out, JsonNode request) throws IOException {
        JsonNode messages = request.path("messages");
        String question = "";
        String prefix = "";
        for (JsonNode message : messages) {
            if (message.path("role").asText().equals("user")) {
                question = message.path("content").asText();
            } else if (message.path("role").asText().equals("assistant")) {
                prefix = message.path("content").asText();
            }
        }
        boolean stream = request.path("stream").asBoolean(true);
        requestNanos.computeIfAbsent(question, q -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
        userMessages.add(question);
        switch (faults.getOrDefault(question, Fault.NONE)) {
            case SERVER_ERROR -> respond(out, 500, "{\"error\":{\"message\":\"scripted failure\",\"type\":\"server_error\"}}");
            case TOO_MANY_REQUESTS -> {
                write(out, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 2\r\n\r\n{}");
            }
            case HANG -> {
                startStream(out);
                // silent until the client gives up and closes the connection
                while (connection.getInputStream().read() != -1) {
                    // nothing more is sent
                }
                return false;
            }
            case RESET -> {
                startStream(out);
                chunk(out, delta("Half a"));
                // a reset discards what the client has not read yet: without a pause it sometimes came before the
                // headers were read, a failure of another kind than "mid-stream"
                pause(Duration.ofMillis(200));
                connection.setSoLinger(true, 0);
                connection.close();
                return false;
            }
            case MALFORMED -> {
                if (!stream) {
                    respond(out, 200, "{not json");
                    return true;
                }
                startStream(out);
                chunk(out, "{not json");
                chunk(out, "[DONE]");
                finishStream(out);
            }
            case NONE -> {
                Function<String, String> replyTo = reply;
                if (!answers.containsKey(question) && replyTo != null) {
                    String text = replyTo.apply(question);
                    if (!stream) {
                        respond(out, 200, whole(text));
                        return true;
                    }
                    int third = Math.max(1, text.length() / 3);
                    startStream(out);
                    for (int from = 0; from < text.length(); from += third) {
                        chunk(out, delta(text.substring(from, Math.min(text.length(), from + third))));
                    }
                    chunk(out, finish("stop"));
                    chunk(out, "[DONE]");
                    finishStream(out);
                    return true;
                }
                List<String> script = answers.getOrDefault(question, List.of());
                int done = prefix.isBlank() ? 0 : prefix.split("(?<=[.!?])\\s+").length;
                if (!stream) {
                    respond(out, 200, whole(done < script.size() ? (done == 0 ? "" : " ") + script.get(done) : ""));
                    return true;
                }
                startStream(out);
                if (done < script.size()) {
                    String sentence = (done == 0 ? "" : " ") + script.get(done);
                    int half = sentence.length() / 2;
                    chunk(out, delta(sentence.substring(0, half)));
                    chunk(out, delta(sentence.substring(half)));
                    // more text after the sentence: the client cuts the stream at the boundary
                    chunk(out, delta(" And"));
                }
                chunk(out, finish("stop"));
                chunk(out, "[DONE]");
                finishStream(out);
            }
            default -> throw new IllegalStateException();
        }
        return true;
    }

    private static String delta(String text) {
        ObjectNode chunk = JSON.createObjectNode().put("object", "chat.completion.chunk").put("model", MODEL);
        chunk.putArray("choices").addObject().put("index", 0).putNull("finish_reason").putObject("delta").put("content", text);
        return chunk.toString();
    }

    /** A whole chat completion of {@code text}, finished by {@code stop}. */
    private static String whole(String text) {
        ObjectNode completion = JSON.createObjectNode().put("object", "chat.completion").put("model", MODEL);
        ObjectNode choice = completion.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", text);
        return completion.toString();
    }

    private static String finish(String reason) {
        ObjectNode chunk = JSON.createObjectNode().put("object", "chat.completion.chunk").put("model", MODEL);
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0).put("finish_reason", reason);
        choice.putObject("delta");
        return chunk.toString();
    }

    private static void pause(Duration duration) throws IOException {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("closing");
        }
    }

    private static void startStream(OutputStream out) throws IOException {
        write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
    }

    /** One SSE event as one HTTP chunk. */
    private static void chunk(OutputStream out, String data) throws IOException {
        byte[] event = ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(event.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(event);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void finishStream(OutputStream out) throws IOException {
        write(out, "0\r\n\r\n");
    }

    private static void respond(OutputStream out, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        write(out, "HTTP/1.1 " + status + " " + (status == 200 ? "OK" : "Error") + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n");
        out.write(body);
        out.flush();
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
