package io.streamaligner.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamaligner.inference.Completion;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.Generation;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP request's generation, from submission to the last byte, with no thread waiting on it. Each delta becomes
 * its chunk on the engine's thread, as servers send them (one per token: clients count chunks as tokens when a stream
 * is cut before its usage), laid out once per response so that only the text is escaped, and is written there with a
 * non-blocking write; chunks that come while a write is in flight go out together in the next one. Handing each delta
 * to another thread instead would cost a thread wake-up per token, more than the write. The completion's last chunks,
 * or the whole JSON response, are written on the thread that completes the generation. A client that disconnects —
 * a write fails, or Jetty reports the request failed — cancels the generation, so the engine stops spending steps on
 * it.
 *
 * <p>A stream's headers go out with its first text, so a generation that fails before any (a prompt too long for
 * the context) is still answered with an HTTP error status rather than an error event.
 */
final class GenerationExchange implements DeltaListener {

    private static final Logger LOG = LoggerFactory.getLogger(GenerationExchange.class);

    private enum State { WAITING, STREAMING, DONE }

    private final PreparedGeneration prepared;
    private final Optional<String> endOfAnswerToken;
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final Object lock = new Object();
    private State state = State.WAITING;
    private SseStream stream;
    /** How much of the generated text has gone into chunks (the engine holds back a tail that may start a stop string). */
    private int sentChars;
    private volatile boolean clientGone;
    private volatile Generation generation;

    GenerationExchange(PreparedGeneration prepared, Optional<String> endOfAnswerToken, Request request,
                       Response response, Callback callback) {
        this.prepared = Objects.requireNonNull(prepared, "prepared");
        this.endOfAnswerToken = Objects.requireNonNull(endOfAnswerToken, "endOfAnswerToken");
        this.request = Objects.requireNonNull(request, "request");
        this.response = Objects.requireNonNull(response, "response");
        this.callback = Objects.requireNonNull(callback, "callback");
    }

    /** Submits the generation; returns at once. */
    void start(GenerationTracker tracker) {
        request.addFailureListener(this::requestFailed);
        // a generation with nothing to write yet is busy, not idle; a write the client does not take is stuck
        request.addIdleTimeoutListener(timeout -> {
            synchronized (lock) {
                return stream != null && stream.writePending();
            }
        });
        Generation submitted = tracker.submit(prepared.request(), this);
        generation = submitted;
        if (clientGone) {
            submitted.cancel();
        }
        submitted.completion().handle(this::finished); // handle: see GenerationTracker
    }

    /** A delta, on the engine's thread: its chunk is queued and written (or goes with the write in flight). */
    @Override
    public void onDelta(String requestId, String delta) {
        if (!prepared.stream()) {
            return;
        }
        SseStream target;
        synchronized (lock) {
            if (state == State.DONE) {
                return;
            }
            StringBuilder queued = new StringBuilder();
            if (state == State.WAITING) {
                openStream(queued);
            }
            queued.append(prepared.shape().textEvent(delta));
            sentChars += delta.length();
            target = stream;
            // queued under the lock so that chunks keep their order; written outside it
            target.queue(queued.toString());
        }
        target.flush();
    }

    private Void finished(Completion completion, Throwable failure) {
        try {
            if (failure != null) {
                failed(failure);
            } else if (prepared.stream()) {
                endStream(completion);
            } else {
                respondWhole(completion);
            }
        } catch (RuntimeException | Error e) {
            // handle() would keep it, and the client would wait for ever: Jetty answers 500 or closes the connection
            LOG.error("request {}: answering failed", prepared.request().id(), e);
            abandon(e);
        }
        return null;
    }

    private void respondWhole(Completion completion) {
        // built before the exchange is marked done, so that a failure here still fails the callback (abandon)
        ObjectNode body = prepared.shape().whole(completion.text(), finish(completion), completion.promptTokens(),
                completion.generatedTokens());
        synchronized (lock) {
            if (state != State.WAITING) {
                return;
            }
            state = State.DONE;
        }
        JsonResponses.ok(response, callback, body);
    }

    private void endStream(Completion completion) {
        ResponseShape shape = prepared.shape();
        SseStream target;
        synchronized (lock) {
            if (state == State.DONE) {
                return;
            }
            StringBuilder queued = new StringBuilder();
            if (state == State.WAITING) {
                openStream(queued);
            }
            // the rest of the text, from a generator that streamed less than it wrote
            String text = completion.text();
            if (text.length() > sentChars) {
                queued.append(shape.textEvent(text.substring(sentChars)));
                sentChars = text.length();
            }
            queued.append(SseStream.event(shape.finish(finish(completion))));
            if (shape.includeUsage()) {
                queued.append(SseStream.event(shape.usage(completion.promptTokens(), completion.generatedTokens())));
            }
            queued.append(SseStream.DONE);
            state = State.DONE;
            target = stream;
            target.queueLast(queued.toString());
        }
        target.flush();
    }

    private void failed(Throwable failure) {
        if (clientGone) {
            return; // the request's callback has been failed already
        }
        ApiError error = ApiError.fromGenerationFailure(failure, prepared.promptParam());
        if (error.status() >= 500) {
            LOG.warn("request {} failed: {}", prepared.request().id(), error.getMessage());
        }
        Ended ended = markDone();
        if (ended.before() == State.WAITING) {
            JsonResponses.error(response, callback, error);
        } else if (ended.before() == State.STREAMING) {
            // the status has gone out already: the error becomes the stream's last event, as vLLM sends it
            ended.stream().end(SseStream.event(error.toJson()) + SseStream.DONE);
        }
    }

    /** Jetty reports the request failed: the connection closed, or a write stuck past the idle timeout. */
    private void requestFailed(Throwable cause) {
        clientGoneAway();
        abandon(cause);
    }

    /** Ends the exchange with {@code cause}: the callback is failed once, by the stream if one is open. */
    private void abandon(Throwable cause) {
        Ended ended = markDone();
        if (ended.before() == State.WAITING) {
            callback.failed(cause);
        } else if (ended.before() == State.STREAMING) {
            ended.stream().abort(cause); // fails the callback once a write in flight has returned
        }
        // DONE: the last write owns the callback (and Jetty fails that write if the connection is gone)
    }

    /** A write failed (SseStream fails the callback itself). */
    private void writeFailed(Throwable cause) {
        clientGoneAway();
        markDone();
    }

    /** The state before the exchange ended, and its stream if it had opened one. */
    private record Ended(State before, SseStream stream) {
    }

    /** Ends the exchange: nothing more is queued after this. */
    private Ended markDone() {
        synchronized (lock) {
            Ended ended = new Ended(state, stream);
            state = State.DONE;
            return ended;
        }
    }

    private void clientGoneAway() {
        clientGone = true;
        Generation running = generation;
        if (running != null) {
            running.cancel();
        }
    }

    /** Sets the stream's headers and queues its opening chunks; the first write sends them. Holds the lock. */
    private void openStream(StringBuilder queued) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        // proxies such as nginx buffer responses unless told not to
        response.getHeaders().put("X-Accel-Buffering", "no");
        stream = new SseStream(response, callback, this::writeFailed);
        state = State.STREAMING;
        prepared.shape().opening().forEach(chunk -> queued.append(SseStream.event(chunk)));
    }

    private Finish finish(Completion completion) {
        return Finish.of(completion.finishReason(), prepared.stops().matched(), endOfAnswerToken);
    }
}
