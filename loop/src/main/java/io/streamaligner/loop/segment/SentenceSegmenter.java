package io.streamaligner.loop.segment;

import static java.util.Objects.requireNonNull;

import io.streamaligner.loop.segment.Abbreviations.PeriodMeaning;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds sentence boundaries in text that arrives a few characters at a time, as an LLM writes it.
 *
 * <p>{@link #firstSentenceEnd} looks at the text from its start and answers where the first sentence ends,
 * or that it cannot tell yet. An answer, once given, never changes when more text arrives: every decision
 * reads only the text up to the boundary plus its look-ahead, so cutting streamed text yields exactly the
 * sentences that cutting the whole text would.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Terminators</b> {@code . ! ?} (also runs such as {@code ?!}), then any closing quotes, brackets
 *       or emphasis marks (<code>" ' ” ’ » ) ] &#125; * _</code>), end a sentence when whitespace follows.
 *       The whitespace is the one look-ahead character: {@code "He left. "} is decided at the space.</li>
 *   <li><b>No whitespace, no boundary</b>: {@code "Hi.There"} and {@code "end.Then"} alike stay one
 *       sentence. A missing space cannot be told apart from identifiers, URLs, e-mails, file names,
 *       decimals and versions ({@code java.util.List}, {@code x.com/a?b=1}, {@code 3.14}, {@code v1.2.3});
 *       a missed split costs less than a wrong one, which hands the aligner half a sentence.</li>
 *   <li><b>CJK terminators</b> {@code 。！？} need no space: the boundary follows them and their closing
 *       brackets, decided on the first character that is not a closing bracket.</li>
 *   <li><b>Abbreviations</b>: titles, Latin forms and initialisms ({@code Dr. Mr. Mrs. Prof. e.g. i.e.
 *       vs. U.S. J.}) never end a sentence. Those that often do ({@code etc. a.m. p.m. No.}), an ellipsis
 *       ({@code ...} or {@code …}), and a terminator followed by a closing quote or bracket wait for the
 *       first character after the whitespace: a lowercase letter, digit or continuing punctuation keeps the
 *       sentence going ({@code "etc. are"}, {@code "Wait... what"}, {@code "Hi!" she said}), anything
 *       else ends it ({@code "9 p.m. Then"}).</li>
 *   <li><b>Numbers</b>: a period between digits is not a terminator ({@code 3.14}, {@code 1,000.5}); one
 *       after a number before whitespace is ({@code "= 71. Then"}, {@code "= -9. Then"}, {@code "$3.50. He"}),
 *       except an ordered-list marker: up to three digits opening a line or following a colon
 *       ({@code "1. Add"}, {@code "Steps: 1. Add"}), or one letter opening a line ({@code "a. red"}).</li>
 *   <li><b>Lines</b>: a line break ends a sentence when a blank line follows, when the next line opens a
 *       block (a list item {@code - * + • 1. 2) a. b)}, a heading {@code #}, a quote {@code >}, a table row
 *       {@code |} or a code fence), or when the line that ends is a heading. Other line breaks are soft
 *       wraps. The boundary is then the line break itself, decided on the first character of the next line
 *       after its indentation (three characters when it is a letter, to see a lettered list marker).</li>
 *   <li><b>Code</b>: a fenced block ({@code ```} opening a line, closed by a fence at least as long) is
 *       never split; it is a unit of its own that ends at the line break after the closing fence. Inline
 *       code spans ({@code `a.b. c`}) are not split either.</li>
 * </ul>
 * The text handed in is taken to begin a line, which is where a sentence that follows a line break or
 * opens the stream starts.
 *
 * <p>Known misses, all chosen over the wrong split: a sentence ending in an initialism or initial runs
 * into the next ({@code "in the U.S. It"}, {@code "Plan B. Then"}); a sentence that is only a small number
 * ({@code "What is 2+3? 5. Then"}) reads as a list marker when it starts the text handed in.
 */
public final class SentenceSegmenter {

    private SentenceSegmenter() {
    }

    /**
     * The end (exclusive) of the first complete sentence in {@code text}, or -1 when no boundary can be
     * decided yet. Leading whitespace belongs to the sentence (callers strip it). With {@code endOfStream}
     * false, a boundary is decided as soon as at most one look-ahead character allows; with it true, the
     * remaining non-blank text is a sentence too.
     */
    public static int firstSentenceEnd(CharSequence text, boolean endOfStream) {
        requireNonNull(text, "text");
        return new BoundaryScan(text, endOfStream).firstSentenceEnd();
    }

    /**
     * All sentences of a finished text, stripped of surrounding whitespace: the same sentences that a
     * {@link SentenceBuffer} fed with this text in any chunking returns.
     */
    public static List<String> split(CharSequence text) {
        requireNonNull(text, "text");
        SentenceBuffer buffer = new SentenceBuffer();
        List<String> sentences = new ArrayList<>(buffer.append(text));
        sentences.addAll(buffer.finish());
        return sentences;
    }

    /**
     * One left-to-right pass over the text, tracking only what the rules above need. Each step returns
     * the index to go on from; a step that finds the boundary sets {@link #end}, one that runs out of text
     * before it can decide sets {@link #lookAheadMissing}.
     */
    private static final class BoundaryScan {

        private static final int UNDECIDED = -1;
        private static final int MAX_LIST_NUMBER_DIGITS = 3;
        /** First characters of a line that open a list item, heading, quote, table row or code fence. */
        private static final String BLOCK_MARKERS = "-*+\u2022#>|`";

        private enum BlockOpening { YES, NO, NEEDS_MORE_TEXT }

        private final CharSequence text;
        private final int length;
        private final boolean endOfStream;

        private int end = UNDECIDED;
        private boolean lookAheadMissing;

        /** Whether the sentence so far has any non-whitespace character. */
        private boolean hasContent;
        /** Index of the first non-blank character of the current line, or -1 while the line is blank. */
        private int lineContentStart = -1;
        /** Length of the backtick run that opened the inline code span we are in; 0 outside one. */
        private int inlineCodeRun;
        /** Whether that span opened its line with three or more backticks: a code fence if the line ends open. */
        private boolean inlineCodeMayBeFence;
        /** Length of the backtick run that opened the fenced code block we are in; 0 outside one. */
        private int codeFenceRun;
        /** Whether the current line closed the fenced code block, which then ends with this line. */
        private boolean codeFenceClosedOnThisLine;

        BoundaryScan(CharSequence text, boolean endOfStream) {
            this.text = text;
            this.length = text.length();
            this.endOfStream = endOfStream;
        }

        int firstSentenceEnd() {
            int i = 0;
            while (i < length && end == UNDECIDED && !lookAheadMissing) {
                i = step(i);
            }
            if (end != UNDECIDED) {
                return end;
            }
            // Out of text before a decision: only the end of the stream makes the rest a sentence.
            return endOfStream && hasContent ? length : UNDECIDED;
        }

        private int step(int i) {
            char c = text.charAt(i);
            if (c == '\n') {
                return atLineBreak(i);
            }
            if (Character.isWhitespace(c)) {
                return i + 1;
            }
            if (codeFenceRun > 0) {
                return insideCodeBlock(i);
            }
            hasContent = true;
            if (lineContentStart < 0) {
                lineContentStart = i;
            }
            if (c == '`') {
                return atBacktickRun(i);
            }
            if (inlineCodeRun > 0 || !Terminators.isTerminator(c)) {
                return i + 1;
            }
            return atTerminator(i);
        }

        /** A line break: ends a code block whose closing fence is on this line, or a block of prose. */
        private int atLineBreak(int index) {
            boolean endsHeading = codeFenceRun == 0 && lineContentStart >= 0 && text.charAt(lineContentStart) == '#';
            if (inlineCodeRun > 0) {
                // An inline span left open at the end of the line that opened it with ``` was a fence.
                if (inlineCodeMayBeFence) {
                    codeFenceRun = inlineCodeRun;
                }
                inlineCodeRun = 0;
            }
            lineContentStart = -1;
            if (codeFenceRun > 0) {
                if (codeFenceClosedOnThisLine) {
                    codeFenceRun = 0;
                    codeFenceClosedOnThisLine = false;
                    end = index;
                }
                return index + 1;
            }
            if (!hasContent) {
                return index + 1;
            }
            if (endsHeading) {
                end = index;
                return index + 1;
            }
            switch (blockOpeningAt(firstNonBlankOnLine(index + 1))) {
                case YES -> end = index;
                case NEEDS_MORE_TEXT -> lookAheadMissing = true;
                case NO -> { }
            }
            return index + 1;
        }

        private int firstNonBlankOnLine(int from) {
            int j = from;
            while (j < length && text.charAt(j) != '\n' && Character.isWhitespace(text.charAt(j))) {
                j++;
            }
            return j;
        }

        /** Inside a fenced block only a closing fence at the start of a line matters. */
        private int insideCodeBlock(int index) {
            hasContent = true;
            boolean firstOnLine = lineContentStart < 0;
            if (firstOnLine) {
                lineContentStart = index;
            }
            if (firstOnLine && text.charAt(index) == '`') {
                int run = backtickRunLength(index);
                if (run >= codeFenceRun) {
                    codeFenceClosedOnThisLine = true;
                }
                return index + run;
            }
            return index + 1;
        }

        /** A backtick run opens or closes an inline code span; three or more opening a line may be a fence. */
        private int atBacktickRun(int index) {
            int run = backtickRunLength(index);
            if (inlineCodeRun == 0) {
                inlineCodeRun = run;
                inlineCodeMayBeFence = run >= 3 && index == lineContentStart;
            } else if (run == inlineCodeRun) {
                inlineCodeRun = 0;
            }
            return index + run;
        }

        private int backtickRunLength(int index) {
            int j = index;
            while (j < length && text.charAt(j) == '`') {
                j++;
            }
            return j - index;
        }

        /** A run of terminators ("." "?!" "..." "。") and the closing quotes or brackets after it. */
        private int atTerminator(int index) {
            int runEnd = index;
            boolean cjk = false;
            while (runEnd < length && Terminators.isTerminator(text.charAt(runEnd))) {
                cjk |= Terminators.isCjkTerminator(text.charAt(runEnd));
                runEnd++;
            }
            int closersEnd = runEnd;
            while (closersEnd < length && Terminators.isCloser(text.charAt(closersEnd))) {
                closersEnd++;
            }
            if (closersEnd == length) {
                lookAheadMissing = true;
                return length;
            }
            if (cjk) {
                end = closersEnd;
                return closersEnd;
            }
            if (!Character.isWhitespace(text.charAt(closersEnd))) {
                return runEnd;
            }
            PeriodMeaning meaning = meaningOf(index, runEnd);
            if (meaning == PeriodMeaning.ENDS_SENTENCE && closersEnd > runEnd) {
                // '"Hi!" she said' goes on, 'He said "Hi." Then' does not: the next word tells.
                meaning = PeriodMeaning.NEXT_WORD_DECIDES;
            }
            switch (meaning) {
                case ENDS_SENTENCE -> end = closersEnd;
                case NEVER_ENDS_SENTENCE -> { }
                case NEXT_WORD_DECIDES -> decideByNextWord(closersEnd);
            }
            return runEnd;
        }

        private PeriodMeaning meaningOf(int runStart, int runEnd) {
            boolean ellipsis = runEnd - runStart >= 2 && text.charAt(runStart) == '.'
                    || text.charAt(runEnd - 1) == '\u2026';
            if (ellipsis) {
                return PeriodMeaning.NEXT_WORD_DECIDES;
            }
            if (runEnd - runStart > 1 || text.charAt(runStart) != '.') {
                return PeriodMeaning.ENDS_SENTENCE;
            }
            if (isOrderedListNumber(runStart)) {
                return PeriodMeaning.NEVER_ENDS_SENTENCE;
            }
            int wordStart = runStart;
            while (wordStart > 0 && (Character.isLetter(text.charAt(wordStart - 1)) || text.charAt(wordStart - 1) == '.')) {
                wordStart--;
            }
            boolean noWord = wordStart == runStart || text.charAt(wordStart) == '.';
            // "1st." or "x2." is an alphanumeric token, never an abbreviation.
            boolean tailOfToken = wordStart > 0 && Character.isLetterOrDigit(text.charAt(wordStart - 1));
            if (noWord || tailOfToken) {
                return PeriodMeaning.ENDS_SENTENCE;
            }
            String word = text.subSequence(wordStart, runStart).toString();
            return Abbreviations.meaningOfPeriodAfter(word, wordStart == lineContentStart);
        }

        /**
         * "12." opening a line, or right after a colon ("Steps: 1. Add"), is a list marker, not a sentence
         * that says "12".
         */
        private boolean isOrderedListNumber(int period) {
            int numberStart = period;
            while (numberStart > 0 && Character.isDigit(text.charAt(numberStart - 1))) {
                numberStart--;
            }
            int digits = period - numberStart;
            if (digits < 1 || digits > MAX_LIST_NUMBER_DIGITS) {
                return false;
            }
            if (numberStart == lineContentStart) {
                return true;
            }
            int beforeNumber = numberStart - 1;
            while (beforeNumber >= 0 && text.charAt(beforeNumber) == ' ') {
                beforeNumber--;
            }
            return beforeNumber >= 0 && beforeNumber < numberStart - 1 && text.charAt(beforeNumber) == ':';
        }

        /** Looks past the whitespace at {@code whitespaceStart} to the first character of what follows. */
        private void decideByNextWord(int whitespaceStart) {
            int lineBreaks = 0;
            int j = whitespaceStart;
            while (j < length && Character.isWhitespace(text.charAt(j))) {
                if (text.charAt(j) == '\n') {
                    lineBreaks++;
                }
                j++;
            }
            if (lineBreaks >= 2) {
                end = whitespaceStart;
                return;
            }
            BlockOpening opening = lineBreaks == 1 ? blockOpeningAt(j) : BlockOpening.NO;
            if (j == length || opening == BlockOpening.NEEDS_MORE_TEXT) {
                lookAheadMissing = true;
            } else if (opening == BlockOpening.YES || !Terminators.continuesSentence(text.charAt(j))) {
                end = whitespaceStart;
            }
        }

        /**
         * Whether the line whose first non-blank character is at {@code j} opens a block of its own: is
         * blank, or starts a list item, heading, quote, table row or code fence. A letter needs two more
         * characters to tell a lettered list item ("a. ", "b) ") from a wrapped line.
         */
        private BlockOpening blockOpeningAt(int j) {
            if (j >= length) {
                return BlockOpening.NEEDS_MORE_TEXT;
            }
            char first = text.charAt(j);
            if (first == '\n' || Character.isDigit(first) || BLOCK_MARKERS.indexOf(first) >= 0) {
                return BlockOpening.YES;
            }
            if (!Character.isLetter(first)) {
                return BlockOpening.NO;
            }
            if (j + 1 >= length) {
                return BlockOpening.NEEDS_MORE_TEXT;
            }
            char marker = text.charAt(j + 1);
            if (marker != '.' && marker != ')') {
                return BlockOpening.NO;
            }
            if (j + 2 >= length) {
                return BlockOpening.NEEDS_MORE_TEXT;
            }
            return Character.isWhitespace(text.charAt(j + 2)) ? BlockOpening.YES : BlockOpening.NO;
        }
    }
}
