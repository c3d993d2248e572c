package io.streamaligner.topology.processor;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many calls of one model an application instance has in flight at most, shared by the {@link InferenceStage}s of
 * all its tasks. Never blocks: a stage that gets no permit leaves its work waiting in its pending store.
 */
public final class InFlightLimit {

    private final int max;
    private final AtomicInteger inUse = new AtomicInteger();

    public InFlightLimit(int max) {
        if (max <= 0) {
            throw new IllegalArgumentException("max must be positive, got " + max);
        }
        this.max = max;
    }

    /** Takes a permit if one is free. */
    public boolean tryAcquire() {
        while (true) {
            int current = inUse.get();
            if (current >= max) {
                return false;
            }
            if (inUse.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Gives a permit back. */
    public void release() {
        if (inUse.decrementAndGet() < 0) {
            inUse.incrementAndGet();
            throw new IllegalStateException("released more permits than were taken");
        }
    }

    public int inUse() {
        return inUse.get();
    }

    public int max() {
        return max;
    }
}
