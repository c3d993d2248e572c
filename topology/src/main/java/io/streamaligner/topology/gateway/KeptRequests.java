package io.streamaligner.topology.gateway;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The requests the gateway knows, at most {@code capacity}, in the order they were sent: what a replay can find. A new
 * one pushes out the oldest whose events have ended; while every kept request is still running, none is taken, which
 * also bounds the requests one instance's gateway has under way.
 */
final class KeptRequests {

    private final int capacity;
    private final Map<String, RequestEvents> byId = new LinkedHashMap<>();

    KeptRequests(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.capacity = capacity;
    }

    /** Keeps {@code events}; false when all kept requests are still running (or its id is kept already). */
    synchronized boolean add(RequestEvents events) {
        Objects.requireNonNull(events, "events");
        if (byId.containsKey(events.requestId())) {
            return false;
        }
        if (byId.size() >= capacity && !dropOldestEnded()) {
            return false;
        }
        byId.put(events.requestId(), events);
        return true;
    }

    synchronized Optional<RequestEvents> find(String requestId) {
        return Optional.ofNullable(byId.get(requestId));
    }

    /** Every kept request, the oldest first. */
    synchronized List<RequestEvents> all() {
        return new ArrayList<>(byId.values());
    }

    private boolean dropOldestEnded() {
        for (Iterator<RequestEvents> kept = byId.values().iterator(); kept.hasNext(); ) {
            if (kept.next().ended()) {
                kept.remove();
                return true;
            }
        }
        return false;
    }
}
