package io.streamaligner.eval.judge;

import java.util.Collection;

/**
 * The Aligner papers' win rate of one model's answers over another's: ω = (wins − losses) ÷ total × 100 %,
 * from −100 % (every answer lost) to +100 % (every answer won); ties count in the total.
 */
public record WinRate(int wins, int ties, int losses) {

    public WinRate {
        if (wins < 0 || ties < 0 || losses < 0) {
            throw new IllegalArgumentException("counts must not be negative: " + wins + "/" + ties + "/" + losses);
        }
    }

    public static WinRate of(Collection<PairwiseOutcome> outcomes) {
        int wins = 0;
        int ties = 0;
        int losses = 0;
        for (PairwiseOutcome outcome : outcomes) {
            switch (outcome) {
                case WIN -> wins++;
                case TIE -> ties++;
                case LOSS -> losses++;
            }
        }
        return new WinRate(wins, ties, losses);
    }

    public int total() {
        return wins + ties + losses;
    }

    /** ω in percent; NaN when nothing was judged. */
    public double omegaPercent() {
        return total() == 0 ? Double.NaN : (wins - losses) * 100.0 / total();
    }
}
