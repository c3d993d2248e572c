package io.streamaligner.inference.template;

import io.streamaligner.inference.ChatTurns;

import java.util.List;
import java.util.Objects;

/**
 * What the aligner reads for one sentence: the question, the answer aligned so far, and the upstream's newest
 * sentence to correct. Rendered in the method's fixed format (kept verbatim from the Stream Aligner seed):
 * <pre>##Question: {question} | ##Answer_Prefix: {prefix} | ##Answer_Last_Sentence: {last} | ##Your_Revision: </pre>
 *
 * @param question     the user's question
 * @param answerPrefix the aligned answer so far (empty in the first round)
 * @param lastSentence the upstream's sentence to correct
 */
public record AlignerInput(String question, String answerPrefix, String lastSentence) {

    public static final String QUESTION = "##Question: ";
    public static final String ANSWER_PREFIX = " | ##Answer_Prefix: ";
    public static final String LAST_SENTENCE = " | ##Answer_Last_Sentence: ";
    public static final String YOUR_REVISION = " | ##Your_Revision: ";

    /** The field markers; a field that contains one is neutralized so it cannot fake another field. */
    public static final ReservedStrings MARKERS = ReservedStrings.of(List.of(
            "##Question:", "##Answer_Prefix:", "##Answer_Last_Sentence:", "##Your_Revision:"));

    public AlignerInput {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(answerPrefix, "answerPrefix");
        Objects.requireNonNull(lastSentence, "lastSentence");
    }

    /** The aligner's conversation: this input as the user turn, the answer from the start. */
    public ChatTurns turns() {
        return ChatTurns.user(render());
    }

    /** The aligner's user message, ready for {@link ChatTemplate#alignerPrompt}. */
    public String render() {
        return QUESTION + MARKERS.neutralize(question)
                + ANSWER_PREFIX + MARKERS.neutralize(answerPrefix)
                + LAST_SENTENCE + MARKERS.neutralize(lastSentence)
                + YOUR_REVISION;
    }
}
