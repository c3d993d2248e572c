package io.streamaligner.topology.gateway;

import io.streamaligner.server.SseStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.Objects;

/**
 * One HTTP response streaming one request's events ({@code text/event-stream}) with non-blocking writes: events are
 * queued by whichever thread has them and written by {@link SseStream}, one write in flight at a time, so a slow client
 * holds up nobody but itself. The headers go out with the first write. When the client goes away (the connection
 * closes, a write fails, or a write waits longer than the idle timeout) the stream stops following the request, which
 * goes on in the loop; when the response ends, however it ends, the stream's permit is given back.
 */
final class EventStream implements RequestEvents.Sink {

    private final SseStream sse;
    private final Object lock = new Object();
    private RequestEvents following;
    private boolean gone;

    private EventStream(Response response, Callback callback, StreamPermits.Permit permit) {
        Callback releasing = Callback.from(() -> {
            permit.release();
            callback.succeeded();
        }, failure -> {
            permit.release();
            callback.failed(failure);
        });
        this.sse = new SseStream(response, releasing, failure -> clientGone());
    }

    /** Opens the response as an event stream; the stream owns {@code permit} from now on. */
    static EventStream open(Request request, Response response, Callback callback, StreamPermits.Permit permit) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(permit, "permit");
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        // proxies such as nginx buffer responses unless told not to
        response.getHeaders().put("X-Accel-Buffering", "no");
        EventStream stream = new EventStream(response, Objects.requireNonNull(callback, "callback"), permit);
        request.addFailureListener(stream::requestFailed);
        // a stream waiting for the loop's next event is busy, not idle; a write the client does not take is stuck
        request.addIdleTimeoutListener(timeout -> stream.sse.writePending());
        return stream;
    }

    /** Writes {@code events}' past and follows it until it ends (or the client goes). */
    void follow(RequestEvents events) {
        synchronized (lock) {
            if (gone) {
                return;
            }
            following = events;
        }
        events.follow(this);
        synchronized (lock) {
            if (!gone) {
                return;
            }
        }
        events.unfollow(this); // the client went while the past was queued
    }

    @Override
    public void queue(String events) {
        sse.queue(events);
    }

    @Override
    public void queueLast(String events) {
        sse.queueLast(events);
    }

    @Override
    public void flush() {
        sse.flush();
    }

    /** Jetty reports the request failed: the connection closed, or a write stuck past the idle timeout. */
    private void requestFailed(Throwable cause) {
        clientGone();
        sse.abort(cause); // fails the callback once a write in flight has returned
    }

    private void clientGone() {
        RequestEvents followed;
        synchronized (lock) {
            gone = true;
            followed = following;
        }
        if (followed != null) {
            followed.unfollow(this);
        }
    }
}
