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
 * reads only the text up to the boundary plus a bounded look-ahead of at most {@value #MAX_LOOK_AHEAD}
 * characters past it, so cutting streamed text yields exactly the sentences that cutting the whole text
 * would. While a candidate boundary waits for its look-ahead, {@link #undecidedFrom} says where it is: a
 * writer stopped there drops what it wrote past it.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Terminators</b> {@code . ! ?} (also runs such as {@code ?!}), then any closing quotes, brackets
 *       or emphasis marks (<code>" ' ” ’ » ) ] &#125; * _</code>), end a sentence when whitespace follows and
 *       the next word does not start with a lowercase letter: {@code "He left. She"} ends at the period,
 *       {@code "'Fine.' she said"} and {@code "Yahoo! is"} go on. The look-ahead is the whitespace and the
 *       first character after it, or a line break, which ends the sentence at once.</li>
 *   <li><b>No whitespace, no boundary</b>: {@code "Hi.There"} and {@code "end.Then"} alike stay one
 *       sentence. A missing space cannot be told apart from identifiers, URLs, e-mails, file names,
 *       decimals and versions ({@code java.util.List}, {@code x.com/a?b=1}, {@code 3.14}, {@code v1.2.3});
 *       a missed split costs less than a wrong one, which hands the aligner half a sentence.</li>
 *   <li><b>CJK terminators</b> {@code 。！？} need no space: the boundary follows them and their closing
 *       brackets, decided on the first character that is not a closing bracket.</li>
 *   <li><b>Abbreviations</b>: titles and Latin forms ({@code Dr. Mr. Mrs. Prof. e.g. i.e. vs.}) never end a
 *       sentence. Those that often do ({@code etc. a.m. p.m. No. p. fig.}), a lone lowercase letter, an
 *       ellipsis ({@code ...}, {@code …} or {@code . . .}), and a terminator followed by a closing quote or
 *       bracket wait for the first character after the whitespace: a lowercase letter, digit or continuing
 *       punctuation keeps the sentence going ({@code "etc. are"}, {@code "see p. 12"}, {@code "Wait... what"},
 *       {@code "Hi!" she said}), anything else ends it ({@code "9 p.m. Then"}).</li>
 *   <li><b>Initialisms and initials</b> ({@code U.S. U.K. J. B.}) end a sentence only when the next word,
 *       read whole, is one that opens sentences ({@link SentenceStarters}: {@code "the U.S. Then"}), not a
 *       name or a noun ({@code "the U.S. Army"}, {@code "Dr. A. Jones"}), and not another initial
 *       ({@code "J. A. Smith"}).</li>
 *   <li><b>Numbers</b>: a period between digits is not a terminator ({@code 3.14}, {@code 1,000.5}); one
 *       after a number before whitespace is ({@code "= 71. Then"}, {@code "= -9. Then"}, {@code "$3.50. He"}),
 *       except an ordered-list marker: up to three digits opening a line or following a colon
 *       ({@code "1. Add"}, {@code "Steps: 1. Add"}), or one letter opening a line ({@code "a. red"}).</li>
 *   <li><b>Inline list items</b>: in a sentence that opens with a bracketed list marker ({@code 1)}
 *       {@code 1.)} {@code a)}, at the start or after a colon), the next marker of the same series after
 *       whitespace starts a new sentence: {@code "1.) first 2.) second"} and {@code "a) one b) two"} are two
 *       sentences each. A marker with a bare period does not split inline, since its next number is also an
 *       ordinary number ending a sentence ({@code "1. Add 1 and 1 to get 2. Then stop."}): cutting a sentence in
 *       two is the worse mistake.</li>
 *   <li><b>Lines</b>: a line break ends a sentence when a blank line follows, when the next line opens a
 *       block (a list item {@code - * + • 1. 2) a. b)}, a heading {@code #}, a quote {@code >}, a table row
 *       {@code |} or a code fence), or when the line that ends is a heading. Other line breaks are soft
 *       wraps. The boundary is then the line break itself, decided on the first character of the next line
 *       after its indentation (three characters when it is a letter, to see a lettered list marker).</li>
 *   <li><b>Code</b>: a fenced block ({@code ```} opening a line, closed by a fence at least as long) is
 *       never split; it is a unit of its own that ends at the line break after the closing fence. Inline
 *       code spans ({@code `a.b. c`}) are not split either.</li>
 *   <li><b>Bound</b>: a candidate boundary whose look-ahead runs past {@value #MAX_LOOK_AHEAD} characters
 *       (a long run of spaces, a long word after an initialism) is decided on what those characters show:
 *       a gap of whitespace ends the sentence, a word too long to open one does not.</li>
 * </ul>
 * The text handed in is taken to begin a line, which is where a sentence that follows a line break or
 * opens the stream starts.
 *
 * <p>Known misses, all chosen over the wrong split: a sentence ending in an initialism or initial runs
 * into the next when that starts with a name or a rarer word ({@code "in the U.S. Congress met"} is one
 * sentence, rightly, but so is {@code "in the U.S. Americans vote"}); a sentence that is only a small number
 * ({@code "What is 2+3? 5. Then"}) reads as a list marker when it starts the text handed in; a sentence
 * starting with a lowercase word ({@code "He left. iPhones sold."}) continues the one before.
 */
public final class SentenceSegmenter {

    /** The most characters past a candidate boundary that decide it. */
    public static final int MAX_LOOK_AHEAD = 8;

    private SentenceSegmenter() {
    }

    /**
     * The end (exclusive) of the first complete sentence in {@code text}, or -1 when no boundary can be
     * decided yet. Leading whitespace belongs to the sentence (callers strip it). With {@code endOfStream}
     * false, a boundary is decided as soon as its look-ahead (at most {@value #MAX_LOOK_AHEAD} characters)
     * allows; with it true, the end of the text ends any word being read, and the remaining non-blank text
     * is a sentence too.
     */
    public static int firstSentenceEnd(CharSequence text, boolean endOfStream) {
        requireNonNull(text, "text");
        return new BoundaryScan(text, endOfStream).firstSentenceEnd();
    }

    /**
     * Where the first sentence may still end while its boundary is undecided: the candidate boundary that
     * waits for more text, or {@code text.length()} when none does (no boundary can fall inside the text
     * seen so far, or one has been decided). Text from this index on may be cut away once more text comes,
     * so a writer that stops at the boundary holds it back.
     */
    public static int undecidedFrom(CharSequence text) {
        requireNonNull(text, "text");
        BoundaryScan scan = new BoundaryScan(text, false);
        return scan.firstSentenceEnd() < 0 && scan.candidate >= 0 ? scan.candidate : text.length();
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
     * before it can decide calls {@link #undecided} with the candidate boundary.
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
        /** The boundary that waits for look-ahead once {@link #lookAheadMissing} is set. */
        private int candidate = UNDECIDED;

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
        /** The list marker the sentence opened with, whose successor starts the next sentence; null for none. */
        private ListMarker openingMarker;
        /**
         * Where a list marker may open the sentence's items (its first character, or the first after a colon),
         * read once the scan is past it; -1 for nowhere.
         */
        private int possibleMarkerAt = -1;
        /** The last non-whitespace character before the current one, to see a marker after a colon. */
        private char previousContent;

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

        /** The boundary at {@code boundary} waits for text that has not come yet. */
        private void undecided(int boundary) {
            lookAheadMissing = true;
            candidate = boundary;
        }

        private int step(int i) {
            char c = text.charAt(i);
            if (c == '\n') {
                return atLineBreak(i);
            }
            if (Character.isWhitespace(c)) {
                ListMarker opening = openingMarker(i);
                if (opening != null && opening.bracketed() && inlineCodeRun == 0 && codeFenceRun == 0
                        && i > 0 && !Character.isWhitespace(text.charAt(i - 1))) {
                    atPossibleListItem(i);
                }
                return i + 1;
            }
            if (codeFenceRun > 0) {
                return insideCodeBlock(i);
            }
            if (!hasContent || previousContent == ':') {
                possibleMarkerAt = i;
            }
            hasContent = true;
            previousContent = c;
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
            int bound = index + MAX_LOOK_AHEAD;
            switch (blockOpeningAt(firstNonBlankOnLine(index + 1, bound), bound)) {
                case YES -> end = index;
                case NEEDS_MORE_TEXT -> undecided(index);
                case NO -> { }
            }
            return index + 1;
        }

        private int firstNonBlankOnLine(int from, int bound) {
            int j = from;
            while (j < length && j < bound && text.charAt(j) != '\n' && Character.isWhitespace(text.charAt(j))) {
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

        /**
         * A run of terminators ("." "?!" "..." "。"), a spaced ellipsis (". . .") and the closing quotes or
         * brackets after it.
         */
        private int atTerminator(int index) {
            int runEnd = index;
            boolean cjk = false;
            while (runEnd < length && Terminators.isTerminator(text.charAt(runEnd))) {
                cjk |= Terminators.isCjkTerminator(text.charAt(runEnd));
                runEnd++;
            }
            boolean spacedEllipsis = false;
            while (!cjk && text.charAt(runEnd - 1) == '.' && runEnd + 1 < length && text.charAt(runEnd) == ' '
                    && text.charAt(runEnd + 1) == '.') {
                spacedEllipsis = true;
                runEnd += 2;
                while (runEnd < length && text.charAt(runEnd) == '.') {
                    runEnd++;
                }
            }
            int closersEnd = runEnd;
            while (closersEnd < length && Terminators.isCloser(text.charAt(closersEnd))) {
                closersEnd++;
            }
            if (closersEnd == length) {
                undecided(closersEnd);
                return length;
            }
            if (cjk) {
                end = closersEnd;
                return closersEnd;
            }
            if (!Character.isWhitespace(text.charAt(closersEnd))) {
                return runEnd;
            }
            PeriodMeaning meaning = spacedEllipsis ? PeriodMeaning.NEXT_WORD_DECIDES : meaningOf(index, runEnd);
            if (meaning == PeriodMeaning.ENDS_SENTENCE && closersEnd > runEnd) {
                // '"Hi!" 5 more' goes on, 'He said "Hi." Then' does not: the next word tells.
                meaning = PeriodMeaning.NEXT_WORD_DECIDES;
            }
            if (meaning != PeriodMeaning.NEVER_ENDS_SENTENCE) {
                decideByWhatFollows(closersEnd, meaning);
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

        /**
         * Decides the candidate boundary at {@code boundary}, where whitespace starts, by what follows it within
         * the look-ahead bound: a blank line or a block opening ends the sentence; otherwise the first character
         * after the whitespace (or, for an initialism, the word it starts) decides as {@code meaning} says.
         */
        private void decideByWhatFollows(int boundary, PeriodMeaning meaning) {
            int bound = boundary + MAX_LOOK_AHEAD;
            int lineBreaks = 0;
            int j = boundary;
            while (j < length && j < bound && Character.isWhitespace(text.charAt(j))) {
                if (text.charAt(j) == '\n') {
                    if (meaning == PeriodMeaning.ENDS_SENTENCE) {
                        end = boundary; // a sentence a line break follows has ended: no need to see the next line
                        return;
                    }
                    lineBreaks++;
                }
                j++;
            }
            if (lineBreaks >= 2 || j == bound) {
                end = boundary; // a blank line, or a gap wider than the look-ahead
                return;
            }
            if (j == length) {
                undecided(boundary);
                return;
            }
            BlockOpening opening = lineBreaks == 1 ? blockOpeningAt(j, bound) : BlockOpening.NO;
            if (opening == BlockOpening.NEEDS_MORE_TEXT) {
                undecided(boundary);
                return;
            }
            if (opening == BlockOpening.YES) {
                end = boundary;
                return;
            }
            char next = text.charAt(j);
            switch (meaning) {
                case ENDS_SENTENCE -> {
                    if (!Character.isLowerCase(next)) {
                        end = boundary;
                    }
                }
                case NEXT_WORD_DECIDES -> {
                    if (!Terminators.continuesSentence(next)) {
                        end = boundary;
                    }
                }
                case SENTENCE_STARTER_DECIDES -> decideBySentenceStarter(boundary, j, bound);
                case NEVER_ENDS_SENTENCE -> { }
            }
        }

        /**
         * After an initialism: the sentence ends when the word at {@code wordStart}, read whole within the
         * look-ahead, opens sentences and is not itself an initial ("A." in "J. A. Smith").
         */
        private void decideBySentenceStarter(int boundary, int wordStart, int bound) {
            int wordEnd = wordStart;
            while (wordEnd < length && wordEnd < bound && Character.isLetter(text.charAt(wordEnd))) {
                wordEnd++;
                if (!SentenceStarters.startsOne(text.subSequence(wordStart, wordEnd))) {
                    return; // "Ar" of "Army" begins no sentence starter: decided without reading on
                }
            }
            if (wordEnd == bound) {
                return; // longer than any sentence starter
            }
            if (wordEnd == length && !endOfStream) {
                undecided(boundary);
                return;
            }
            boolean initial = wordEnd < length && text.charAt(wordEnd) == '.';
            if (!initial && SentenceStarters.contains(text.subSequence(wordStart, wordEnd))) {
                end = boundary;
            }
        }

        /**
         * Whether the line whose first non-blank character is at {@code j} opens a block of its own: is
         * blank, or starts a list item, heading, quote, table row or code fence. A letter needs two more
         * characters to tell a lettered list item ("a. ", "b) ") from a wrapped line. Characters from
         * {@code bound} on are not read: a line they would decide is taken as a wrapped one.
         */
        private BlockOpening blockOpeningAt(int j, int bound) {
            if (j >= bound) {
                return BlockOpening.NO; // indented past the look-ahead: read as a wrapped line
            }
            if (j >= length) {
                return BlockOpening.NEEDS_MORE_TEXT;
            }
            char first = text.charAt(j);
            if (first == '\n' || Character.isDigit(first) || BLOCK_MARKERS.indexOf(first) >= 0) {
                return BlockOpening.YES;
            }
            if (!Character.isLetter(first) || j + 2 >= bound) {
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

        /** The sentence's opening list marker, as read up to the whitespace at {@code index}; null if none. */
        private ListMarker openingMarker(int index) {
            if (possibleMarkerAt >= 0 && possibleMarkerAt < index) {
                ListMarker marker = ListMarker.at(text, possibleMarkerAt, index + 1);
                if (marker != null) {
                    openingMarker = marker;
                }
                possibleMarkerAt = -1;
            }
            return openingMarker;
        }

        /**
         * In a sentence opened by a list marker, whitespace followed by the next marker of the series ends the
         * sentence before it ("1.) first 2.) second").
         */
        private void atPossibleListItem(int whitespace) {
            int j = whitespace;
            while (j < length && text.charAt(j) == ' ') {
                j++;
            }
            String next = openingMarker.successor();
            int bound = whitespace + MAX_LOOK_AHEAD;
            for (int k = 0; k <= next.length(); k++, j++) {
                if (j >= bound) {
                    return;
                }
                if (j == length) {
                    if (!endOfStream) {
                        undecided(whitespace);
                    }
                    return;
                }
                char c = text.charAt(j);
                if (k == next.length()) {
                    if (Character.isWhitespace(c)) {
                        end = whitespace;
                    }
                    return;
                }
                if (c != next.charAt(k)) {
                    return;
                }
            }
        }
    }

    /**
     * A list item's marker: a number of up to three digits or one letter, then {@code .}, {@code )} or
     * {@code .)}, then whitespace ({@code 1.} {@code 2)} {@code 3.)} {@code a.} {@code b)}). Uppercase letters
     * count only with a bracket: {@code "A. Smith"} is an initial.
     *
     * @param number the item's number, or the letter's code for a lettered item
     * @param letter whether the item is lettered
     * @param suffix what follows the number or letter
     * @param end    the index after the marker's suffix
     */
    private record ListMarker(int number, boolean letter, String suffix, int end) {

        /** The marker at {@code start}, if one is there and complete before {@code limit}; null otherwise. */
        static ListMarker at(CharSequence text, int start, int limit) {
            int j = start;
            while (j < limit && Character.isDigit(text.charAt(j))) {
                j++;
            }
            int digits = j - start;
            boolean letter = digits == 0;
            if (letter) {
                if (j >= limit || !Character.isLetter(text.charAt(j))) {
                    return null;
                }
                j++;
            } else if (digits > MAX_LIST_DIGITS) {
                return null;
            }
            int suffixStart = j;
            if (j < limit && text.charAt(j) == '.') {
                j++;
            }
            if (j < limit && text.charAt(j) == ')') {
                j++;
            }
            if (j == suffixStart || j >= limit || !Character.isWhitespace(text.charAt(j))) {
                return null;
            }
            String suffix = text.subSequence(suffixStart, j).toString();
            char first = text.charAt(start);
            if (letter && Character.isUpperCase(first) && !suffix.endsWith(")")) {
                return null;
            }
            int number = letter ? first : Integer.parseInt(text.subSequence(start, suffixStart).toString());
            return new ListMarker(number, letter, suffix, j);
        }

        private static final int MAX_LIST_DIGITS = 3;

        /** Whether the marker ends in a bracket ({@code 2)}, {@code 2.)}), which ordinary text does not write. */
        boolean bracketed() {
            return suffix.endsWith(")");
        }

        /** The marker of the next item: "2.)" after "1.)", "b." after "a.". */
        String successor() {
            return (letter ? String.valueOf((char) (number + 1)) : String.valueOf(number + 1)) + suffix;
        }
    }
}
