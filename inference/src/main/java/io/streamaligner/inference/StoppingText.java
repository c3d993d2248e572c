package io.streamaligner.inference;

import java.util.Objects;

/**
 * A request's text as it is generated, cut where the caller's {@link StopCondition} says: the one place for that rule,
 * which every backend applies to its deltas in the same way (the engine to its decoded text, the HTTP backend to the
 * streamed text). Not thread-safe: one per request, fed by one thread at a time.
 */
public final class StoppingText {

    private final StopCondition stop;
    private final StringBuilder text = new StringBuilder();
    private boolean stopped;

    public StoppingText(StopCondition stop) {
        this.stop = Objects.requireNonNull(stop, "stop");
    }

    /**
     * Appends a delta and checks the stop condition over the whole text.
     *
     * @return the part of {@code delta} that belongs to the text: all of it, or what comes before the cut (maybe
     *         empty); empty once the text has stopped
     */
    public String append(String delta) {
        if (stopped || delta.isEmpty()) {
            return "";
        }
        int before = text.length();
        text.append(delta);
        int cut = stop.stopAt(text.toString());
        if (cut < 0) {
            return delta;
        }
        stopped = true;
        text.setLength(Math.max(0, Math.min(cut, text.length())));
        return text.length() > before ? text.substring(before) : "";
    }

    /** Whether the stop condition has cut the text. */
    public boolean stopped() {
        return stopped;
    }

    /** The text so far, cut at the stop condition's index once it stopped. */
    public String text() {
        return text.toString();
    }
}
