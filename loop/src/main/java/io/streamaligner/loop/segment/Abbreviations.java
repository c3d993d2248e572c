package io.streamaligner.loop.segment;

import java.util.Locale;
import java.util.Set;

/**
 * Decides what a period after a word means: the word is read backwards from the period over letters and
 * inner periods, so {@code "U.S"}, {@code "e.g"}, {@code "Dr"} and {@code "example.com"} each arrive whole.
 */
final class Abbreviations {

    /** What a period after a word says about a sentence boundary, before looking past the whitespace. */
    enum PeriodMeaning {
        /** An ordinary word: the period ends the sentence. */
        ENDS_SENTENCE,
        /** An abbreviation that stands before something (a name, a number, an example): never ends one. */
        NEVER_ENDS_SENTENCE,
        /** An abbreviation that often ends a sentence too ("etc.", "p.m."): the next word's case decides. */
        NEXT_WORD_DECIDES
    }

    /**
     * Titles and Latin abbreviations that, in practice, always have a word after them. Missing a boundary
     * after one of them is cheaper than cutting a sentence in two, which would hand the aligner half a
     * sentence.
     */
    private static final Set<String> NEVER_FINAL = Set.of(
            "mr", "mrs", "ms", "dr", "prof", "sr", "st", "mt", "rev", "hon", "gen", "col", "capt", "lt", "sgt",
            "gov", "sen", "rep", "pres", "vs", "cf", "viz", "e.g", "i.e", "eg", "ie", "ca", "approx", "dept",
            "est", "incl", "resp");

    /** Abbreviations that end sentences as often as not: "…apples, pears, etc. Then…" vs "etc. are fruit". */
    private static final Set<String> CASE_OF_NEXT_WORD_DECIDES = Set.of(
            "etc", "a.m", "p.m", "am", "pm", "no", "nos", "fig", "figs", "vol", "eq", "eqs", "sec", "ch", "pp",
            "al", "inc", "ltd", "co", "corp", "jr", "min", "hr", "hrs", "ed", "eds");

    private Abbreviations() {
    }

    /**
     * The meaning of a period that follows {@code word}.
     *
     * @param word the letters-and-periods run right before the period, never empty
     * @param startsLine whether the word is the first thing on its line, where a single letter is a list
     *                   marker ("a. first option")
     */
    static PeriodMeaning meaningOfPeriodAfter(String word, boolean startsLine) {
        String lower = word.toLowerCase(Locale.ROOT);
        if (CASE_OF_NEXT_WORD_DECIDES.contains(lower)) {
            return PeriodMeaning.NEXT_WORD_DECIDES;
        }
        if (NEVER_FINAL.contains(lower)) {
            return PeriodMeaning.NEVER_ENDS_SENTENCE;
        }
        if (word.length() == 1) {
            // "J. Smith" is an initial; "I." is the pronoun far more often than an initial.
            boolean initial = Character.isUpperCase(word.charAt(0)) && word.charAt(0) != 'I';
            return initial || startsLine ? PeriodMeaning.NEVER_ENDS_SENTENCE : PeriodMeaning.ENDS_SENTENCE;
        }
        return isDottedInitialism(word) ? PeriodMeaning.NEVER_ENDS_SENTENCE : PeriodMeaning.ENDS_SENTENCE;
    }

    /** "U.S", "U.K", "Ph.D" is not one: every part between the periods is a single letter. */
    private static boolean isDottedInitialism(String word) {
        String[] parts = word.split("\\.", -1);
        if (parts.length < 2) {
            return false;
        }
        for (String part : parts) {
            if (part.length() != 1) {
                return false;
            }
        }
        return true;
    }
}
