package io.streamaligner.topology.gateway;

import java.util.ArrayList;
import java.util.List;

/** A stream's place in tests: what was queued on it, what was flushed, and whether its last events came. */
final class RecordingSink implements RequestEvents.Sink {

    private final StringBuilder queued = new StringBuilder();
    private final List<String> flushed = new ArrayList<>();
    private boolean ended;

    @Override
    public synchronized void queue(String events) {
        if (!ended) {
            queued.append(events);
        }
    }

    @Override
    public synchronized void queueLast(String events) {
        if (!ended) {
            queued.append(events);
            ended = true;
        }
    }

    @Override
    public synchronized void flush() {
        flushed.add(queued.toString());
    }

    /** Everything queued so far. */
    synchronized String text() {
        return queued.toString();
    }

    /** Everything flushed so far: what a client could have read. */
    synchronized String written() {
        return flushed.isEmpty() ? "" : flushed.get(flushed.size() - 1);
    }

    synchronized boolean ended() {
        return ended;
    }
}
