package io.streamaligner.eval;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Objects;

/**
 * A progress bar for one phase of an evaluation, on stderr so that stdout stays the results. On a terminal it
 * redraws one line in place (at most every {@value #REDRAW_MILLIS} ms); elsewhere (a log file, CI) it prints a line
 * per tenth done. Thread-safe: answers complete on many threads.
 */
public final class ProgressBar {

    private static final int WIDTH = 30;
    private static final long REDRAW_MILLIS = 100;

    private final PrintWriter err;
    private final boolean interactive;
    private String label = "";
    private int total;
    private int done;
    private long startNanos;
    private long lastDrawNanos;
    private int lastTenthPrinted;

    /** @param interactive whether {@code err} is a terminal, where {@code \r} redraws the line */
    public ProgressBar(PrintWriter err, boolean interactive) {
        this.err = Objects.requireNonNull(err, "err");
        this.interactive = interactive;
    }

    /** Begins a phase of {@code total} steps. */
    public synchronized void start(String phase, int phaseTotal) {
        label = Objects.requireNonNull(phase, "phase");
        total = Math.max(0, phaseTotal);
        done = 0;
        startNanos = System.nanoTime();
        lastDrawNanos = 0;
        lastTenthPrinted = -1;
        draw(true);
    }

    /** One step done. */
    public synchronized void step() {
        done = Math.min(total, done + 1);
        draw(done == total);
    }

    /** Ends the phase: the bar at its final count, then a new line. */
    public synchronized void finish() {
        draw(true);
        if (interactive) {
            err.println();
        }
        err.flush();
    }

    private void draw(boolean force) {
        long now = System.nanoTime();
        if (interactive) {
            if (!force && now - lastDrawNanos < REDRAW_MILLIS * 1_000_000) {
                return;
            }
            lastDrawNanos = now;
            err.print("\r" + line(now));
            err.flush();
        } else {
            int tenth = total == 0 ? 10 : done * 10 / total;
            if (tenth > lastTenthPrinted) {
                err.println(line(now));
                err.flush();
                lastTenthPrinted = tenth;
            }
        }
    }

    String line(long nowNanos) {
        int filled = total == 0 ? WIDTH : done * WIDTH / total;
        double seconds = (nowNanos - startNanos) / 1e9;
        String rate = seconds > 0 && done > 0 ? String.format(Locale.ROOT, " %.2f/s", done / seconds) : "";
        return String.format(Locale.ROOT, "%-9s [%s%s] %d/%d %.0fs%s", label, "#".repeat(filled),
                ".".repeat(WIDTH - filled), done, total, seconds, rate);
    }
}
