package io.streamaligner.topology.app;

import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * What the application does when a stream thread dies: replace the thread, unless threads keep dying.
 *
 * <p>A thread dies only of what no processor handled: model failures already end their request with an error
 * event, and unreadable records go to the dead-letter topic. What is left is mostly transient (a broker timeout,
 * a fenced producer Streams did not absorb). Replacing the thread re-runs its tasks from the last commit: pending
 * inference is restored from its changelog and re-run with the same seeds, so no request is lost and no answer
 * changes. A failure that repeats (a bug a record keeps hitting) would loop forever, so after
 * {@code maxReplacements} within {@code window} the whole client shuts down and Kafka Streams reports ERROR: the
 * process fails visibly and whatever runs it can restart it. An {@link Error} (out of memory, say) shuts down at
 * once: a replaced thread would share the broken JVM; so does being fenced by another instance under the same
 * {@code group.instance.id}, which a replaced thread would only fence back.
 */
public final class StreamThreadFailures implements StreamsUncaughtExceptionHandler {

    public static final int DEFAULT_MAX_REPLACEMENTS = 3;
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger(StreamThreadFailures.class);

    private final int maxReplacements;
    private final Duration window;
    private final Clock clock;
    private final Deque<Long> recentFailuresMs = new ArrayDeque<>();

    public StreamThreadFailures() {
        this(DEFAULT_MAX_REPLACEMENTS, DEFAULT_WINDOW, Clock.systemUTC());
    }

    /**
     * @param maxReplacements threads replaced within {@code window} at most; the next failure shuts the client down
     * @param window          how far back failures count
     * @param clock           the time source (tests pass a fixed one)
     */
    public StreamThreadFailures(int maxReplacements, Duration window, Clock clock) {
        if (maxReplacements < 0) {
            throw new IllegalArgumentException("maxReplacements must not be negative, got " + maxReplacements);
        }
        this.maxReplacements = maxReplacements;
        this.window = Objects.requireNonNull(window, "window");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable exception) {
        if (rootIsError(exception)) {
            LOG.error("stream thread died of an Error; shutting the application down", exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        if (causedBy(exception, FencedInstanceIdException.class)) {
            // a replaced thread would rejoin under the same id and fence the other instance in turn, and so on
            LOG.error("another instance joined the group under this instance's group.instance.id; shutting this one "
                    + "down: give each instance its own streamaligner.data.dir (or streamaligner.instance.id)", exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        long now = clock.millis();
        while (!recentFailuresMs.isEmpty() && recentFailuresMs.peekFirst() <= now - window.toMillis()) {
            recentFailuresMs.removeFirst();
        }
        if (recentFailuresMs.size() >= maxReplacements) {
            LOG.error("stream thread died ({} failures within {}); shutting the application down",
                    recentFailuresMs.size() + 1, window, exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        recentFailuresMs.addLast(now);
        LOG.error("stream thread died; replacing it (its tasks resume from their last commit)", exception);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    private static boolean causedBy(Throwable exception, Class<? extends Throwable> type) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /** Streams wraps what a processor throws; look through the wrappers. */
    private static boolean rootIsError(Throwable exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof Error) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
