package io.streamaligner.inference.http;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.Generation;
import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.InferenceException;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One request to the server, streamed or answered whole. Streamed, the body's lines go through the
 * {@link SseEventReader}, the {@link ChunkParser} and the {@link StreamAssembler}; answered whole, the body is one
 * chunk for the same parser and assembler. The call completes at the first of the stop cut, the
 * end-of-answer token, the server's finish, a failure, a timeout found by the generator's watchdog, or a
 * cancellation, and then closes the stream (which closes its connection, so a server that watches for disconnects
 * stops generating) — except after the server's own finish, when it reads the body's last bytes so that the
 * connection serves the next request. Lines arrive one at a time on the HTTP client's threads; the other entry points
 * may race with them, so every ending goes through {@link #end}, which wins once.
 */
final class StreamingCall implements Generation, Flow.Subscriber<String> {

    private final CompletionRequest request;
    private final String endpoint;
    private final ChunkParser parser;
    /** Asked with {@code stream: false}: the text comes in one JSON body, not as events. */
    private final boolean whole;
    private final StreamAssembler assembler;
    private final SseEventReader events = new SseEventReader();
    private final CompletableFuture<Completion> completion = new CompletableFuture<>();
    private final long startedNanos = System.nanoTime();
    /** Told once the call is over and its stream closed (or read to its end). */
    private final Consumer<StreamingCall> onEnd;
    private final AtomicBoolean streamClosed = new AtomicBoolean();
    /** Sent again once already, after a stale pooled connection. */
    private final AtomicBoolean resent = new AtomicBoolean();

    private volatile Flow.Subscription subscription;
    private volatile CompletableFuture<?> exchange;
    /** When the last byte came (or the call began), for the watchdog. */
    private volatile long lastActivityNanos = startedNanos;
    private volatile boolean streaming;
    private volatile boolean heardFromServer;
    private boolean sawDone;

    StreamingCall(CompletionRequest request, DeltaListener listener, String endpoint, ChunkParser parser, boolean whole,
                  Optional<String> endOfAnswerToken, Consumer<StreamingCall> onEnd) {
        this.request = request;
        this.endpoint = endpoint;
        this.parser = parser;
        this.whole = whole;
        this.onEnd = onEnd;
        DeltaListener guarded = (id, delta) -> {
            if (!completion.isDone()) {
                listener.onDelta(id, delta);
            }
        };
        this.assembler = new StreamAssembler(request, guarded, endOfAnswerToken);
    }

    String requestId() {
        return request.id();
    }

    /**
     * The request went out as {@code sent}. A pooled connection that turns out closed before any byte of the answer
     * came (the server dropped it while idle) is no attempt at all: the request is sent once more, on {@code resend},
     * which the JDK's client does by itself only for idempotent methods.
     */
    void exchangeStarted(CompletableFuture<?> sent, Runnable resend) {
        exchange = sent;
        // handle, not whenComplete, whose unread stage would wrap each failure in a new exception and its stack trace
        sent.handle((ignored, error) -> {
            exchangeEnded(error, resend);
            return null;
        });
        if (completion.isDone()) {
            sent.cancel(true);
        }
    }

    private void exchangeEnded(Throwable error, Runnable resend) {
        if (completion.isDone()) {
            if (error != null) {
                closeStream(false); // a drained stream that broke; after a cut, the echo of its closing (a no-op)
            }
            return;
        }
        if (error == null) {
            if (!streaming) {
                end(null, HttpFailures.stream(request.id(), endpoint, "was not read"));
            }
            return;
        }
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (!streaming && HttpFailures.isStalePooledConnection(cause) && resent.compareAndSet(false, true)) {
            resend.run();
            return;
        }
        end(null, cause instanceof InferenceException inference ? inference
                : HttpFailures.transport(request.id(), endpoint, cause));
    }

    /** What to do with the response once its status and headers are in. */
    HttpResponse.BodySubscriber<Void> bodySubscriber(HttpResponse.ResponseInfo response) {
        // headers alone do not start the chunk timeout: the first-byte one runs until the stream's first line
        if (response.statusCode() != 200) {
            return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8),
                    body -> {
                        end(null, HttpFailures.status(request.id(), endpoint, response.statusCode(),
                                response.headers(), body));
                        return null;
                    });
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (whole) {
            streaming = true;
            return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8),
                    body -> {
                        onWholeBody(body);
                        return null;
                    });
        }
        if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream")) {
            return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.discarding(), ignored -> {
                end(null, new GenerationException("request " + request.id() + ": " + endpoint
                        + " answered with Content-Type '" + type + "', not an event stream (stream: true ignored?)"));
                return null;
            });
        }
        streaming = true;
        return HttpResponse.BodySubscribers.fromLineSubscriber(this, ignored -> null, StandardCharsets.UTF_8, null);
    }

    @Override
    public void onSubscribe(Flow.Subscription newSubscription) {
        subscription = newSubscription;
        if (completion.isDone()) {
            newSubscription.cancel();
        } else {
            newSubscription.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(String line) {
        lastActivityNanos = System.nanoTime();
        heardFromServer = true;
        if (completion.isDone()) {
            return;
        }
        try {
            events.accept(line).ifPresent(this::onEvent);
        } catch (RuntimeException e) {
            end(null, readingFailure(e));
        }
    }

    /** What a failure while taking the server's text ends the call with. */
    private InferenceException readingFailure(RuntimeException error) {
        if (error instanceof ChunkParser.MalformedChunkException) {
            return HttpFailures.stream(request.id(), endpoint, "broke: " + error.getMessage());
        }
        if (error instanceof InferenceException inference) {
            return inference;
        }
        // the caller's listener or stop condition threw: not the server's fault, and not worth a retry
        return new GenerationException("request " + request.id() + ": " + error, error);
    }

    @Override
    public void onError(Throwable error) {
        if (completion.isDone()) {
            closeStream(false); // a drained stream that broke; after a cut, the echo of its closing (a no-op)
            return;
        }
        end(null, HttpFailures.transport(request.id(), endpoint, error));
    }

    @Override
    public void onComplete() {
        if (completion.isDone()) {
            closeStream(true); // drained after the server's finish: the connection goes back to the pool
            return;
        }
        try {
            events.finish().ifPresent(this::onEvent);
        } catch (RuntimeException e) {
            end(null, HttpFailures.stream(request.id(), endpoint, "broke: " + e.getMessage()));
            return;
        }
        if (!completion.isDone() && assembler.finished()) {
            // the server sent its finish_reason, then ended the body without [DONE] or a usage chunk
            end(assembler.completion(System.nanoTime() - startedNanos), null, true);
            closeStream(true);
        } else if (!completion.isDone()) {
            end(null, HttpFailures.stream(request.id(), endpoint, sawDone
                    ? "ended with [DONE] but no finish_reason" : "ended before the server finished"));
        }
    }

    /**
     * The whole response of a call asked with {@code stream: false}, read to its end: the connection goes back to the
     * pool first, then the call ends with the text or the failure.
     */
    private void onWholeBody(String body) {
        lastActivityNanos = System.nanoTime();
        heardFromServer = true;
        closeStream(true);
        try {
            StreamChunk chunk = parser.parseWhole(body);
            if (chunk.error().isPresent()) {
                end(null, HttpFailures.serverError(request.id(), endpoint, "answered an error", chunk.error().get()));
                return;
            }
            if (chunk.finishReason().isEmpty()) {
                end(null, HttpFailures.stream(request.id(), endpoint, "answered without a finish_reason: "
                        + ChunkParser.excerpt(body)));
                return;
            }
            chunk.usage().ifPresent(assembler::usage);
            if (!assembler.append(chunk.text())) {
                assembler.serverFinished(chunk.finishReason().get(), chunk.stopReason());
            }
            end(assembler.completion(System.nanoTime() - startedNanos), null);
        } catch (RuntimeException e) {
            end(null, readingFailure(e));
        }
    }

    private void onEvent(SseEventReader.Event event) {
        String data = event.data();
        if (!event.error() && data.equals(SseEventReader.DONE)) {
            sawDone = true;
            if (assembler.finished()) {
                finishedByServer();
            }
            return;
        }
        // an error comes as an error event (llama.cpp) or as an error object in a data event (the others)
        StreamChunk chunk = event.error() ? StreamChunk.error(parser.parseError(data)) : parser.parse(data);
        if (chunk.error().isPresent()) {
            if (assembler.finished()) {
                finishedByServer(); // the text and its finish came whole: an error after them takes nothing away
            } else {
                end(null, HttpFailures.serverError(request.id(), endpoint, "stream carried an error",
                        chunk.error().get()));
            }
            return;
        }
        chunk.usage().ifPresent(assembler::usage);
        boolean finishedBefore = assembler.finished(); // the usage chunk follows the server's finish
        if (!finishedBefore && assembler.append(chunk.text())) {
            finish(); // cut here: the rest of the stream is not wanted
            return;
        }
        if (chunk.finishReason().isPresent()) {
            assembler.serverFinished(chunk.finishReason().get(), chunk.stopReason());
            // the usage chunk, if asked for, comes right after the finish; without include_usage support [DONE] does
            if (chunk.usage().isPresent()) {
                finishedByServer();
            }
        } else if (chunk.usage().isPresent() && assembler.finished()) {
            finishedByServer();
        }
    }

    /** The caller's stop cut the text: the rest of the stream is not wanted, and closing it stops the server. */
    private void finish() {
        end(assembler.completion(System.nanoTime() - startedNanos), null, false);
    }

    /**
     * The server finished the text: completes now, and reads the body's last bytes so that the connection can serve
     * the next request (cancelling the body would close it); the watchdog still closes a body that does not end.
     */
    private void finishedByServer() {
        end(assembler.completion(System.nanoTime() - startedNanos), null, true);
    }

    /** Called by the watchdog: how long since the last byte, and whether the first one has come. */
    long silentNanos(long now) {
        return now - lastActivityNanos;
    }

    /** Whether the stream's first line has come (until then the first-byte timeout applies, then the chunk one). */
    boolean heardFromServer() {
        return heardFromServer;
    }

    /** The watchdog found the server silent for too long. */
    void timedOut(String what) {
        end(null, HttpFailures.stream(request.id(), endpoint, what));
    }

    /** The generator closed under the call. */
    void abort(InferenceException reason) {
        end(null, reason);
    }

    @Override
    public CompletableFuture<Completion> completion() {
        return completion;
    }

    @Override
    public void cancel() {
        end(null, new GenerationException("request " + request.id() + ": cancelled"));
    }

    private void end(Completion result, InferenceException failure) {
        end(result, failure, false);
    }

    /**
     * The call's one ending: completes or fails the future (the first caller wins), then closes the stream unless
     * {@code drain} asks to read it to its end first.
     */
    private void end(Completion result, InferenceException failure, boolean drain) {
        boolean won = failure == null ? completion.complete(result) : completion.completeExceptionally(failure);
        // a server's finish keeps reading, also when it follows another ([DONE] after the usage chunk)
        if (drain && subscription != null && (won || completion.isDone() && !completion.isCompletedExceptionally())) {
            return;
        }
        closeStream(false);
    }

    /** Stops reading (unless the body has ended) and leaves the generator's in-flight set; once. */
    private void closeStream(boolean bodyEnded) {
        if (!streamClosed.compareAndSet(false, true)) {
            return;
        }
        if (!bodyEnded) {
            // the body first, then the exchange, whose future would otherwise stay pending for ever: cancelling the
            // exchange alone fails the body, and the JDK's client makes more exceptions on that way (15 per cut
            // stream, each with its stack trace, against 8 for the two cancels)
            Flow.Subscription current = subscription;
            if (current != null) {
                current.cancel();
            }
            CompletableFuture<?> sent = exchange;
            if (sent != null && !sent.isDone()) {
                sent.cancel(true);
            }
        }
        onEnd.accept(this);
    }
}
