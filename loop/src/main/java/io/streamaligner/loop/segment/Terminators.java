package io.streamaligner.loop.segment;

/** The characters that end sentences, close them, or show that a sentence goes on. */
final class Terminators {

    private static final String LATIN = ".!?\u2026";            // … is one character
    private static final String CJK = "\u3002\uff01\uff1f\uff61"; // 。！？｡
    /** Closing quotes, brackets and emphasis marks that belong to the sentence they follow. */
    private static final String CLOSERS = "\"'\u201d\u2019\u00bb)]}*_\u300d\u300f\uff09\u3011\u3009\u300b";
    /** After a lowercase letter or digit these still mean the sentence goes on. */
    private static final String CONTINUING_PUNCTUATION = ",;:)]}%(-\u2013\u2014";

    private Terminators() {
    }

    static boolean isTerminator(char c) {
        return LATIN.indexOf(c) >= 0 || CJK.indexOf(c) >= 0;
    }

    static boolean isCjkTerminator(char c) {
        return CJK.indexOf(c) >= 0;
    }

    static boolean isCloser(char c) {
        return CLOSERS.indexOf(c) >= 0;
    }

    /** Whether a word starting with {@code c} reads as the same sentence going on ("etc. and", "… 5 more"). */
    static boolean continuesSentence(char c) {
        return Character.isLowerCase(c) || Character.isDigit(c) || CONTINUING_PUNCTUATION.indexOf(c) >= 0;
    }
}
