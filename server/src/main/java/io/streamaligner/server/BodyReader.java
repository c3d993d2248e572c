package io.streamaligner.server;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads a request body without blocking (Jetty's read / demand loop), up to a limit. A body over the limit is read
 * on and discarded, up to {@value #DISCARD_LIMIT} bytes more, before the 413 goes out: a client still writing its
 * body when the server answers and closes would otherwise see a reset connection instead of the answer.
 */
public final class BodyReader implements Runnable {

    static final long DISCARD_LIMIT = 16L * 1024 * 1024;

    /** What becomes of the body: exactly one of these is called, once. */
    public interface Outcome {
        void body(byte[] bytes);

        void tooLarge();

        /** Reading failed: the connection broke or timed out. */
        void failed(Throwable cause);
    }

    private final Request request;
    private final int limit;
    private final Outcome outcome;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private long total;

    private BodyReader(Request request, int limit, Outcome outcome) {
        this.request = request;
        this.limit = limit;
        this.outcome = outcome;
    }

    /** Starts reading; {@code outcome} is told on this thread or on one of Jetty's. */
    public static void read(Request request, int limit, Outcome outcome) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(outcome, "outcome");
        new BodyReader(request, limit, outcome).run();
    }

    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                outcome.failed(chunk.getFailure());
                return;
            }
            boolean last = chunk.isLast();
            ByteBuffer buffer = chunk.getByteBuffer();
            int size = buffer.remaining();
            total += size;
            if (total <= limit) {
                byte[] copy = new byte[size];
                buffer.get(copy);
                bytes.write(copy, 0, size);
            }
            chunk.release();
            if (total > limit + DISCARD_LIMIT) {
                outcome.tooLarge();
                return;
            }
            if (last) {
                if (total > limit) {
                    outcome.tooLarge();
                } else {
                    outcome.body(bytes.toByteArray());
                }
                return;
            }
        }
    }
}
