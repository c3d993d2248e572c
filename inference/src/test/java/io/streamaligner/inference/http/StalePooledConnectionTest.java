package io.streamaligner.inference.http;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.DeltaListener;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.streamaligner.inference.http.HttpTestSupport.chatRequest;
import static io.streamaligner.inference.http.HttpTestSupport.completionOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection the server drops while it idles in the client's pool: the next request on it gets no byte back, and
 * is sent once more on a new connection rather than failing (the JDK's client does that itself only for GET and
 * HEAD). The server here is plain sockets, so that it can take a request on a kept-alive connection and close it.
 */
class StalePooledConnectionTest {

    private static final String ANSWER = "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
            + "\"Twelve.\"},\"finish_reason\":\"stop\"}]}";

    @Test
    void shouldSendARequestAgainWhenItsPooledConnectionClosesBeforeAnyByte() throws Exception {
        try (DroppingServer server = new DroppingServer();
             HttpTextGenerator generator = HttpTextGenerator.open(HttpModelSettings.defaults(URI.create(server.baseUrl()))
                     .withServedModel("m"))) {
            Completion first = completionOf(generator.submit(chatRequest("r1"), DeltaListener.NONE));
            Completion second = completionOf(generator.submit(chatRequest("r2"), DeltaListener.NONE));

            assertThat(first.text()).isEqualTo("Twelve.");
            assertThat(second.text()).isEqualTo("Twelve.");
            assertThat(server.completionRequests).as("r2 on the dropped connection, then on a new one").hasSize(3);
            assertThat(server.connections).as("the dropped one and the new one").isGreaterThanOrEqualTo(2);
        }
    }

    /**
     * Answers {@code GET /models} and the first completion request on a kept-alive connection; the next request that
     * comes on an already used connection is read and the connection closed without an answer; on a new connection
     * every request is answered.
     */
    private static final class DroppingServer implements AutoCloseable {

        final List<String> completionRequests = new CopyOnWriteArrayList<>();
        volatile int connections;
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private volatile boolean dropped;

        DroppingServer() throws IOException {
            Thread acceptor = new Thread(this::accept, "dropping-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String baseUrl() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    connections++;
                    Thread serving = new Thread(() -> serve(connection), "dropping-server-connection");
                    serving.setDaemon(true);
                    serving.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void serve(Socket connection) {
            try (connection) {
                InputStream in = new BufferedInputStream(connection.getInputStream());
                OutputStream out = connection.getOutputStream();
                int answered = 0;
                for (String head; (head = RawHttp.readHead(in)) != null; answered++) {
                    in.readNBytes(RawHttp.contentLength(head));
                    if (head.startsWith("GET")) {
                        respond(out, "{\"object\":\"list\",\"data\":[{\"id\":\"m\",\"object\":\"model\"}]}");
                        continue;
                    }
                    completionRequests.add(head.lines().findFirst().orElse(""));
                    if (answered > 0 && !dropped) {
                        dropped = true;
                        return; // closed with the request unanswered
                    }
                    respond(out, ANSWER);
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        private static void respond(OutputStream out, String json) throws IOException {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
