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
    /** How much of the text has been handed on; the rest is held back ({@link StopCondition#holdBack()}). */
    private int released;
    private boolean stopped;

    public StoppingText(StopCondition stop) {
        this.stop = Objects.requireNonNull(stop, "stop");
    }

    /**
     * Appends a delta and checks the stop condition over the whole text.
     *
     * @return the text to hand on now: up to the cut once the condition cuts, else all but the condition's hold-back
     *         tail (maybe empty); empty once the text has stopped
     */
    public String append(String delta) {
        if (stopped || delta.isEmpty()) {
            return "";
        }
        text.append(delta);
        int cut = stop.stopAt(text.toString());
        if (cut >= 0) {
            stopped = true;
            text.setLength(Math.max(0, Math.min(cut, text.length())));
            return releaseUpTo(text.length());
        }
        return releaseUpTo(text.length() - Math.max(0, stop.holdBack(text)));
    }

    /** The generation ended without a cut (an end token, the length limit, the server's finish): the held-back rest. */
    public String release() {
        return releaseUpTo(text.length());
    }

    private String releaseUpTo(int end) {
        if (end <= released) {
            return "";
        }
        String out = text.substring(released, end);
        released = end;
        return out;
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
