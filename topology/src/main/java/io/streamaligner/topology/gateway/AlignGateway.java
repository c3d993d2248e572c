package io.streamaligner.topology.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamaligner.client.AlignmentClient;
import io.streamaligner.client.ResponseListener;
import io.streamaligner.loop.LoopLimits;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.GenerationParams;
import io.streamaligner.server.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * The way into the loop for clients that do not speak Kafka (web and mobile front ends, other backends): a request
 * comes in over HTTP, goes to {@code prompts} through the application's {@link AlignmentClient}, and its events come
 * back from {@code responses} and {@code upstream-tokens} through the same client, to be streamed ({@link GatewayApi}).
 *
 * <p>What it bounds: the requests whose events it keeps for replay ({@link KeptRequests}: a new request pushes out the
 * oldest finished one, and is refused while every kept one is still running), and the event streams it serves at once
 * ({@link StreamPermits}). A request does not depend on its stream: a client that goes away leaves it running, and its
 * events are kept for a replay.
 *
 * <p>It takes requests once {@link #connect connected} (the application connects it when Kafka Streams runs), and
 * none after {@link #close}, which ends every stream still open with an error event.
 */
public final class AlignGateway implements AutoCloseable {

    /** How a request reaches the loop: {@link AlignmentClient#submit(AlignmentRequest, ResponseListener)}. */
    @FunctionalInterface
    interface Loop {
        CompletableFuture<AnswerFinal> submit(AlignmentRequest request, ResponseListener listener);
    }

    static final String STOPPING = "the application is stopping; the request may still be answered in the loop";

    private static final Logger LOG = LoggerFactory.getLogger(AlignGateway.class);

    private final KeptRequests kept;
    private final StreamPermits permits;
    private final GenerationParams defaultGeneration;
    private final LoopLimits limits;
    /**
     * Sends requests to the loop: a Kafka producer's send can wait (for metadata, or for buffer space while the broker
     * is away), and no HTTP thread may, so sends queue here instead (at most as many as the kept requests).
     */
    private final ExecutorService sender = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gateway-send");
        thread.setDaemon(true);
        return thread;
    });
    private final Object lock = new Object();
    private Loop loop;
    private AutoCloseable connection;
    private boolean closed;

    /**
     * @param keptRequests      requests whose events are kept for replay
     * @param maxStreams        event streams served at once
     * @param defaultGeneration the upstream's sampling for a request that leaves it out
     * @param limits            the loop's limits, which requests are checked against before they are sent
     */
    public AlignGateway(int keptRequests, int maxStreams, GenerationParams defaultGeneration, LoopLimits limits) {
        this.kept = new KeptRequests(keptRequests);
        this.permits = new StreamPermits(maxStreams);
        this.defaultGeneration = Objects.requireNonNull(defaultGeneration, "defaultGeneration");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Takes requests from now on, sending them with {@code client}, which the gateway closes when it closes. */
    public void connect(AlignmentClient client) {
        Objects.requireNonNull(client, "client");
        connect(client::submit, client);
    }

    void connect(Loop newLoop, AutoCloseable owned) {
        synchronized (lock) {
            if (loop != null || closed) {
                throw new IllegalStateException(closed ? "the gateway is closed" : "the gateway is connected already");
            }
            loop = Objects.requireNonNull(newLoop, "newLoop");
            connection = Objects.requireNonNull(owned, "owned");
        }
    }

    /** A permit to open an event stream, or empty when as many are open as allowed. */
    Optional<StreamPermits.Permit> takeStream() {
        return permits.tryTake();
    }

    /** The request a {@code POST /v1/align} body asks for. @throws ApiError 400 saying what is wrong with it */
    AlignmentRequest read(ObjectNode body) {
        return AlignRequestBody.read(body, defaultGeneration, limits);
    }

    /**
     * Keeps a new request's events, before it is sent, so that its first stream can follow it from the start.
     *
     * @throws ApiError 503 while the gateway is not connected yet or closed, or while every kept request still runs
     */
    RequestEvents admit(AlignmentRequest request) {
        synchronized (lock) {
            if (closed) {
                throw ApiError.unavailable("stopping", "The application is stopping; ask another instance.");
            }
            if (loop == null) {
                throw ApiError.unavailable("starting", "The loop is starting; try again in a few seconds.");
            }
        }
        RequestEvents events = new RequestEvents(request);
        if (!kept.add(events)) {
            throw ApiError.unavailable("busy", "This gateway has as many requests under way as it keeps; try again "
                    + "when one has finished.");
        }
        return events;
    }

    /** Sends an admitted request to the loop, on the gateway's sending thread; its events go to what follows it. */
    void send(AlignmentRequest request, RequestEvents events) {
        try {
            sender.execute(() -> submit(request, events));
        } catch (RejectedExecutionException closing) {
            events.giveUp(STOPPING);
        }
    }

    private void submit(AlignmentRequest request, RequestEvents events) {
        Loop current;
        synchronized (lock) {
            current = closed ? null : loop;
        }
        if (current == null) {
            events.giveUp(STOPPING);
            return;
        }
        CompletableFuture<AnswerFinal> answer;
        try {
            answer = current.submit(request, events);
        } catch (IllegalStateException clientClosed) {
            events.giveUp(STOPPING);
            return;
        } catch (RuntimeException sendFailed) {
            // the request did not reach Kafka: its stream ends with the reason rather than waiting for nothing
            LOG.warn("sending request {} failed: {}", request.getRequestId(), sendFailed.toString());
            events.giveUp("the request could not be sent to Kafka: " + sendFailed.getMessage());
            return;
        }
        answer.whenComplete((done, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                events.giveUp(cause.getMessage() != null ? cause.getMessage() : cause.toString());
            }
        });
    }

    /** A request this gateway sent and still keeps. */
    Optional<RequestEvents> find(String requestId) {
        return kept.find(requestId);
    }

    int openStreams() {
        return permits.open();
    }

    int maxStreams() {
        return permits.max();
    }

    /** Takes no more requests, ends every open stream with an error event, and closes the client. */
    @Override
    public void close() {
        AutoCloseable owned;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            owned = connection;
        }
        sender.shutdown();
        kept.all().forEach(events -> events.giveUp(STOPPING));
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                LOG.warn("closing the gateway's client failed: {}", e.toString());
            }
        }
    }
}
