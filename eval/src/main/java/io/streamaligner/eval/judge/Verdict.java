package io.streamaligner.eval.judge;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A judge's answer to one ordered comparison: response A is better, B is, they tie, or the reply cannot be read. */
public enum Verdict {
    A, B, TIE, UNPARSEABLE;

    private static final Pattern VERDICT_LINE = Pattern.compile("(?im)^\\W*verdict\\W*:?\\s*\\[\\[\\s*(A|B|TIE)\\s*]]");
    private static final Pattern BRACKETED = Pattern.compile("(?i)\\[\\[\\s*(A|B|TIE)\\s*]]");
    private static final Pattern BARE = Pattern.compile("(?i)^\\W*(?:verdict\\W*:?\\s*)?(A|B|TIE)\\W*$");

    /**
     * Reads a judge's reply: its {@code VERDICT: [[X]]} line; else an {@code [[X]]} anywhere; else a reply that is
     * nothing but {@code A}, {@code B} or {@code TIE} (any case). Anything else is {@link #UNPARSEABLE}, and so is
     * a reply whose verdict lines (or, without one, whose bracketed verdicts) disagree: a guess would bias ω.
     */
    public static Verdict parse(String reply) {
        if (reply == null) {
            return UNPARSEABLE;
        }
        Verdict onVerdictLine = lastDistinct(VERDICT_LINE.matcher(reply));
        if (onVerdictLine != null) {
            return onVerdictLine;
        }
        Verdict bracketed = lastDistinct(BRACKETED.matcher(reply));
        if (bracketed != null) {
            return bracketed;
        }
        Matcher bare = BARE.matcher(reply.strip());
        return bare.matches() ? of(bare.group(1)) : UNPARSEABLE;
    }

    /** The last verdict matched, or null; UNPARSEABLE when the matches disagree. */
    private static Verdict lastDistinct(Matcher matcher) {
        Verdict found = null;
        while (matcher.find()) {
            Verdict verdict = of(matcher.group(1));
            if (found != null && found != verdict) {
                return UNPARSEABLE;
            }
            found = verdict;
        }
        return found;
    }

    private static Verdict of(String token) {
        return valueOf(token.toUpperCase(Locale.ROOT));
    }
}
