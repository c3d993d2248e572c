package io.streamaligner.topology.gateway;

import io.streamaligner.client.ResponseListener;
import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.SentenceAligned;
import io.streamaligner.schemas.TokenDelta;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One request's events since the gateway sent it ({@link AlignmentEvents}): written to every stream open on it as they
 * come, and kept, so that a stream opened later ({@code GET /v1/requests/{id}/events}) replays them and goes on live.
 *
 * <p>What is kept is bounded by the answer, not by how it was written: once a round's sentence has arrived, the
 * round's provisional text is kept as one {@code token} event instead of one per piece the upstream wrote. A replay
 * is therefore the live stream with each settled round's tokens joined.
 *
 * <p>The loop's events come on the client's one consumer thread ({@link ResponseListener}), streams open and close on
 * Jetty's; everything here only queues text and starts non-blocking writes, so no thread waits on a slow client.
 */
final class RequestEvents implements ResponseListener {

    /** Where events go: a stream's queue, written after the lock is released ({@link io.streamaligner.server.SseStream}). */
    interface Sink {
        void queue(String events);

        /** The last events: the stream ends once they are written. */
        void queueLast(String events);

        void flush();
    }

    private final String requestId;
    private final long sentAtNanos = System.nanoTime();
    private final Object lock = new Object();
    /** The kept events of the past, in order: the request, then per round its joined tokens and its sentence. */
    private final StringBuilder kept = new StringBuilder();
    /** Provisional text of each round whose sentence has not come yet. */
    private final Map<Integer, StringBuilder> provisional = new TreeMap<>();
    private final List<Sink> sinks = new ArrayList<>();
    private boolean ended;

    RequestEvents(AlignmentRequest request) {
        this.requestId = Objects.requireNonNull(request, "request").getRequestId();
        kept.append(AlignmentEvents.request(request));
    }

    String requestId() {
        return requestId;
    }

    /** Whether the stream of events has ended (its final came, or the gateway gave up on it). */
    boolean ended() {
        synchronized (lock) {
            return ended;
        }
    }

    /** Queues the events so far on {@code sink} and, unless they have ended, what comes from now on. */
    void follow(Sink sink) {
        Objects.requireNonNull(sink, "sink");
        synchronized (lock) {
            String past = kept + provisionalTokens(Integer.MAX_VALUE, false);
            if (ended) {
                sink.queueLast(past);
            } else {
                sink.queue(past);
                sinks.add(sink);
            }
        }
        sink.flush();
    }

    /** Stops writing to {@code sink} (its client has gone); the request goes on. */
    void unfollow(Sink sink) {
        synchronized (lock) {
            sinks.remove(sink);
        }
    }

    @Override
    public void onUpstreamDelta(TokenDelta delta) {
        String event = AlignmentEvents.token(requestId, delta.getRound(), delta.getText());
        List<Sink> targets;
        synchronized (lock) {
            if (ended) {
                return;
            }
            provisional.computeIfAbsent(delta.getRound(), round -> new StringBuilder()).append(delta.getText());
            targets = queue(event, false);
        }
        flush(targets);
    }

    @Override
    public void onSentence(SentenceAligned sentence) {
        append(sentence.getRound(), AlignmentEvents.sentence(sentence, elapsedMs()), false);
    }

    @Override
    public void onError(AlignmentError error) {
        append(Integer.MAX_VALUE, AlignmentEvents.error(error), false);
    }

    @Override
    public void onFinal(AnswerFinal answer) {
        append(Integer.MAX_VALUE, AlignmentEvents.answerFinal(answer, elapsedMs()), true);
    }

    /**
     * Ends the events without a final, with an error event saying why: the final will not come through this gateway
     * (the answer took longer than the client waits, or the application is stopping). Nothing once they have ended.
     */
    void giveUp(String reason) {
        append(Integer.MAX_VALUE, AlignmentEvents.gatewayError(requestId, reason), true);
    }

    /** Keeps {@code event} after the provisional text of the rounds up to {@code settledRound}, and queues it. */
    private void append(int settledRound, String event, boolean last) {
        List<Sink> targets;
        synchronized (lock) {
            if (ended) {
                return;
            }
            kept.append(provisionalTokens(settledRound, true)).append(event);
            targets = queue(event, last);
            if (last) {
                ended = true;
                sinks.clear();
            }
        }
        flush(targets);
    }

    /** Token events of the provisional rounds up to {@code round}, each joined into one; removed when settled. Holds the lock. */
    private String provisionalTokens(int round, boolean settle) {
        StringBuilder tokens = new StringBuilder();
        var rounds = provisional.entrySet().iterator();
        while (rounds.hasNext()) {
            var entry = rounds.next();
            if (entry.getKey() > round) {
                break;
            }
            tokens.append(AlignmentEvents.token(requestId, entry.getKey(), entry.getValue().toString()));
            if (settle) {
                rounds.remove();
            }
        }
        return tokens.toString();
    }

    /** Queues the event on every sink, under the lock so that each sees the same order. */
    private List<Sink> queue(String event, boolean last) {
        for (Sink sink : sinks) {
            if (last) {
                sink.queueLast(event);
            } else {
                sink.queue(event);
            }
        }
        return List.copyOf(sinks);
    }

    private static void flush(List<Sink> targets) {
        targets.forEach(Sink::flush);
    }

    private long elapsedMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAtNanos);
    }
}
