package io.streamaligner.topology.gateway;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The event streams the gateway serves at once: at most {@code max}, so that a crowd of clients is answered 503 at
 * once instead of holding connections and memory. A stream takes a permit before anything else and gives it back when
 * its response ends, however it ends.
 */
final class StreamPermits {

    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    StreamPermits(int max) {
        if (max <= 0) {
            throw new IllegalArgumentException("max must be positive, was " + max);
        }
        this.max = max;
    }

    /** A permit, or empty when {@code max} streams are open. */
    Optional<Permit> tryTake() {
        while (true) {
            int now = open.get();
            if (now >= max) {
                return Optional.empty();
            }
            if (open.compareAndSet(now, now + 1)) {
                return Optional.of(new Permit());
            }
        }
    }

    int open() {
        return open.get();
    }

    int max() {
        return max;
    }

    /** One stream's permit; giving it back twice gives it back once. */
    final class Permit {

        private final AtomicBoolean released = new AtomicBoolean();

        void release() {
            if (released.compareAndSet(false, true)) {
                open.decrementAndGet();
            }
        }
    }
}
