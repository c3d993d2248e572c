package io.streamaligner.eval.judge;

import java.util.Objects;

/**
 * The stream answer's result against the upstream answer on one question, from the two ordered verdicts. Each
 * order scores +1 for the stream answer, −1 for the upstream answer, 0 for a tie or an unreadable reply; the
 * sum decides. A judge that always prefers the first (or second) position thus yields a tie, cancelling
 * position bias, and a win needs the stream answer preferred in one order and not beaten in the other.
 */
public enum PairwiseOutcome {
    WIN, TIE, LOSS;

    /**
     * @param streamFirst   the verdict with the stream answer as response A
     * @param upstreamFirst the verdict with the upstream answer as response A
     */
    public static PairwiseOutcome of(Verdict streamFirst, Verdict upstreamFirst) {
        Objects.requireNonNull(streamFirst, "streamFirst");
        Objects.requireNonNull(upstreamFirst, "upstreamFirst");
        int score = score(streamFirst, Verdict.A) + score(upstreamFirst, Verdict.B);
        return score > 0 ? WIN : score < 0 ? LOSS : TIE;
    }

    /** +1 when the verdict names the stream answer's position, −1 when it names the other, else 0. */
    private static int score(Verdict verdict, Verdict streamPosition) {
        if (verdict == Verdict.TIE || verdict == Verdict.UNPARSEABLE) {
            return 0;
        }
        return verdict == streamPosition ? 1 : -1;
    }
}
