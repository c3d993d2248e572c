package io.streamaligner.loop.segment;

import java.util.Locale;
import java.util.Set;

/**
 * Decides what a period after a word means: the word is read backwards from the period over letters and
 * inner periods, so {@code "U.S"}, {@code "e.g"}, {@code "Dr"} and {@code "example.com"} each arrive whole.
 */
final class Abbreviations {

    /** What a terminator after a word says about a sentence boundary, before looking past the whitespace. */
    enum PeriodMeaning {
        /**
         * An ordinary word: the terminator ends the sentence, unless the next word starts with a lowercase letter
         * ("'Fine.' she said", "Yahoo! is").
         */
        ENDS_SENTENCE,
        /** An abbreviation that stands before something (a name, a title): never ends one. */
        NEVER_ENDS_SENTENCE,
        /**
         * An abbreviation that often ends a sentence too ("etc.", "p.m.", "p. 12"): the next word decides; a lowercase
         * letter, a digit or continuing punctuation goes on.
         */
        NEXT_WORD_DECIDES,
        /**
         * An initialism or an initial ("U.S.", "Plan B.", "J."): it ends the sentence only when a word that opens
         * sentences ({@link SentenceStarters}) follows ("the U.S. Then", not "the U.S. Army" or "J. Smith").
         */
        SENTENCE_STARTER_DECIDES
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
            "etc", "a.m", "p.m", "am", "pm", "no", "nos", "fig", "figs", "vol", "vols", "eq", "eqs", "sec", "ch", "pp",
            "pg", "ff", "art", "para", "ref", "refs", "al", "inc", "ltd", "co", "corp", "jr", "min", "hr", "hrs", "ed",
            "eds");

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
            char letter = word.charAt(0);
            if (startsLine) {
                return PeriodMeaning.NEVER_ENDS_SENTENCE; // a list marker
            }
            if (Character.isLowerCase(letter)) {
                return PeriodMeaning.NEXT_WORD_DECIDES; // "p. 12", "see n. 3"; "plan a. Then" still ends
            }
            // "J. Smith" is an initial; "I." is the pronoun far more often than an initial.
            return letter == 'I' ? PeriodMeaning.ENDS_SENTENCE : PeriodMeaning.SENTENCE_STARTER_DECIDES;
        }
        return isDottedInitialism(word) ? PeriodMeaning.SENTENCE_STARTER_DECIDES : PeriodMeaning.ENDS_SENTENCE;
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
