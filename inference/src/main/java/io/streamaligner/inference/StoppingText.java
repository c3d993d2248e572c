package io.streamaligner.inference;

import java.util.Objects;

/**
 * A request's text as it is generated, cut where the caller's {@link StopCondition} says, and handed to the request's
 * listener as it grows: the one place for that rule, which every backend applies to its deltas in the same way (the
 * engine to its decoded text, the HTTP backend to the streamed text). Not thread-safe: one per request, fed by one
 * thread at a time.
 */
public final class StoppingText {

    private final StopCondition stop;
    private final String requestId;
    private final DeltaListener listener;
    private final StringBuilder text = new StringBuilder();
    /** How much of the text has been handed on; the rest is held back ({@link StopCondition#holdBack}). */
    private int released;
    private boolean stopped;

    /** @param listener receives, as {@code requestId}'s deltas, the text up to the cut and nothing beyond it */
    public StoppingText(StopCondition stop, String requestId, DeltaListener listener) {
        this.stop = Objects.requireNonNull(stop, "stop");
        this.requestId = Objects.requireNonNull(requestId, "requestId");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Appends a delta, checks the stop condition over the whole text, and hands on what is certain now: up to the cut
     * once the condition cuts, else all but the condition's hold-back tail. Nothing once the text has stopped.
     *
     * @return whether the stop condition has cut the text
     * @throws RuntimeException what the listener or the stop condition threw
     */
    public boolean append(String delta) {
        if (stopped || delta.isEmpty()) {
            return stopped;
        }
        text.append(delta);
        int cut = stop.stopAt(text.toString());
        if (cut >= 0) {
            stopped = true;
            text.setLength(Math.max(0, Math.min(cut, text.length())));
            releaseUpTo(text.length());
            return true;
        }
        releaseUpTo(text.length() - Math.max(0, stop.holdBack(text)));
        return false;
    }

    /**
     * The generation ended without a cut (an end token, the length limit, the server's finish): hands on the
     * held-back rest. Nothing after a cut.
     */
    public void release() {
        releaseUpTo(text.length());
    }

    private void releaseUpTo(int end) {
        if (end > released) {
            String out = text.substring(released, end);
            released = end;
            listener.onDelta(requestId, out);
        }
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
