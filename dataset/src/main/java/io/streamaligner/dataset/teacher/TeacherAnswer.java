package io.streamaligner.dataset.teacher;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the teacher answered for one sentence: the corrected sentence and whether the answer is complete with it.
 * {@link #parse} reads the format {@link TeacherPrompt} asks for, tolerantly:
 * <ul>
 *   <li>{@code CORRECTION: [[…]]}: the text between the brackets, stripped, is the correction; the marker's case, the
 *       whitespace and markdown emphasis around its colon ({@code **Correction:** [[…]]}) do not matter, nor does text
 *       before or after; when the teacher wrote several, the last one counts (a teacher may restate the format
 *       first); the correction ends at the first {@code ]]}.</li>
 *   <li>{@code EOS: [[TRUE]]} or {@code EOS: [[FALSE]]}, in any case, brackets optional, the last one outside the
 *       correction counts; none at all means FALSE.</li>
 *   <li>Unreadable: no correction, one whose brackets are not closed (an answer cut short), an empty one, or an
 *       {@code EOS} that is neither TRUE nor FALSE.</li>
 * </ul>
 *
 * @param correction  the corrected sentence, stripped, never empty
 * @param endOfAnswer whether the answer is complete once the correction is added ({@code EOS: [[TRUE]]})
 */
public record TeacherAnswer(String correction, boolean endOfAnswer) {

    /** A marker's name, then what may stand around its colon: whitespace and markdown emphasis or code marks. */
    private static final String AROUND_COLON = "[\\s*_`]*:[\\s*_`]*";
    private static final Pattern CORRECTION_OPENS = Pattern.compile("\\bCORRECTION" + AROUND_COLON + "\\[\\[",
            Pattern.CASE_INSENSITIVE);
    private static final String OPEN = "[[";
    private static final String CLOSE = "]]";
    private static final Pattern EOS = Pattern.compile("\\bEOS" + AROUND_COLON + "(\\[\\[)?\\s*([A-Za-z]*)\\s*(]])?",
            Pattern.CASE_INSENSITIVE);

    public TeacherAnswer {
        Objects.requireNonNull(correction, "correction");
        if (correction.isBlank()) {
            throw new IllegalArgumentException("correction must not be blank");
        }
    }

    /**
     * Reads a teacher's answer.
     *
     * @throws UnreadableAnswerException saying what is missing or wrong
     */
    public static TeacherAnswer parse(String answer) throws UnreadableAnswerException {
        Objects.requireNonNull(answer, "answer");
        int opens = -1;
        int contentStart = -1;
        for (Matcher marker = CORRECTION_OPENS.matcher(answer); marker.find(); ) {
            opens = marker.start();
            contentStart = marker.end();
        }
        if (opens < 0) {
            throw new UnreadableAnswerException(answer.isBlank() ? "the answer is empty" : "no CORRECTION: [[…]] in the answer");
        }
        int closes = closing(answer, contentStart);
        if (closes < 0) {
            throw new UnreadableAnswerException("CORRECTION: [[ is not closed with ]] (was the answer cut short?)");
        }
        String correction = answer.substring(contentStart, closes).strip();
        if (correction.isEmpty()) {
            throw new UnreadableAnswerException("the CORRECTION is empty");
        }
        // an "EOS:" inside the correction is the correction's text, not the flag
        String outside = answer.substring(0, opens) + "\n" + answer.substring(closes + CLOSE.length());
        return new TeacherAnswer(correction, endOfAnswer(outside));
    }

    /**
     * Where the correction's {@code ]]} is: the first one not closing a {@code [[} inside the correction, so that
     * {@code [[Let M = [[1, 2], [3, 4]].]]} keeps its matrix. -1 when there is none.
     */
    private static int closing(String answer, int contentStart) {
        int depth = 0;
        for (int i = contentStart; i < answer.length() - 1; ) {
            if (answer.startsWith(OPEN, i)) {
                depth++;
                i += OPEN.length();
            } else if (answer.startsWith(CLOSE, i)) {
                if (depth == 0) {
                    return i;
                }
                depth--;
                i += CLOSE.length();
            } else {
                i++;
            }
        }
        return -1;
    }

    private static boolean endOfAnswer(String outsideCorrection) throws UnreadableAnswerException {
        String value = null;
        for (Matcher flag = EOS.matcher(outsideCorrection); flag.find(); ) {
            value = flag.group(2);
        }
        if (value == null) {
            return false;
        }
        if (value.equalsIgnoreCase("TRUE")) {
            return true;
        }
        if (value.equalsIgnoreCase("FALSE")) {
            return false;
        }
        throw new UnreadableAnswerException("EOS must be [[TRUE]] or [[FALSE]], was [[" + value + "]]");
    }
}
