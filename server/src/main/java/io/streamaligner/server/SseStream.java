package io.streamaligner.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;
import org.eclipse.jetty.util.thread.Invocable;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A response body of server-sent events, written with Jetty's asynchronous writes: one write in flight at a time, and
 * whatever is queued while it is in flight goes out together in the next one. {@link #send} and {@link #end} may be
 * called from any thread (the engine's, for deltas) and never block. Completes the request's callback once the last
 * write is done, or fails it (and tells {@code onFailure}) when a write fails — the client has gone; {@link #abort}
 * ends a stream whose client has gone, once a write in flight has returned. {@code serve}'s streams
 * ({@code data: {json}\n\n}, then {@code data: [DONE]\n\n}) and the application's alignment gateway write through it.
 */
public final class SseStream extends IteratingCallback {

    static final String DONE = "data: [DONE]\n\n";

    private final Response response;
    private final Callback requestCallback;
    private final Consumer<Throwable> onFailure;
    private final Object lock = new Object();
    /** Events queued and not yet handed to a write. */
    private final StringBuilder pending = new StringBuilder();
    private boolean ending;
    private boolean lastWritten;
    private boolean writing;

    public SseStream(Response response, Callback requestCallback, Consumer<Throwable> onFailure) {
        this.response = Objects.requireNonNull(response, "response");
        this.requestCallback = Objects.requireNonNull(requestCallback, "requestCallback");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
    }

    static String event(JsonNode data) {
        return "data: " + Json.write(data) + "\n\n";
    }

    /** Queues events (already formatted by {@link #event}) and writes them; ignored once the stream is ending. */
    public void send(String events) {
        queue(events);
        flush();
    }

    /** Queues the last events and writes them; the stream's last write carries them. */
    public void end(String events) {
        queueLast(events);
        flush();
    }

    /**
     * Queues events without writing them yet: a caller that orders its events under its own lock queues them there
     * and calls {@link #flush} after releasing it.
     */
    public void queue(String events) {
        synchronized (lock) {
            if (!ending) {
                pending.append(events);
            }
        }
    }

    /** Queues the last events, as {@link #queue} does. */
    public void queueLast(String events) {
        synchronized (lock) {
            if (!ending) {
                pending.append(events);
                ending = true;
            }
        }
    }

    /** Writes what is queued, unless a write is in flight (its completion writes it then). Never blocks. */
    public void flush() {
        iterate();
    }

    /** Whether a write is waiting for the client to take it (an idle timeout then means the client is stuck). */
    public boolean writePending() {
        synchronized (lock) {
            return writing;
        }
    }

    @Override
    protected Action process() {
        String next;
        boolean last;
        synchronized (lock) {
            writing = false;
            if (lastWritten) {
                return Action.SUCCEEDED;
            }
            if (pending.length() == 0 && !ending) {
                return Action.IDLE;
            }
            next = pending.toString();
            pending.setLength(0);
            last = ending;
            lastWritten = last;
            writing = true;
        }
        response.write(last, ByteBuffer.wrap(next.getBytes(StandardCharsets.UTF_8)), this);
        return Action.SCHEDULED;
    }

    @Override
    protected void onCompleteSuccess() {
        requestCallback.succeeded();
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
        synchronized (lock) {
            writing = false;
            ending = true;
        }
        try {
            onFailure.accept(cause);
        } finally {
            requestCallback.failed(cause);
        }
    }

    /** process() only queues a non-blocking write, so Jetty may run it on the thread that completed the last one. */
    @Override
    public Invocable.InvocationType getInvocationType() {
        return Invocable.InvocationType.NON_BLOCKING;
    }
}
