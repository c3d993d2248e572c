package io.streamaligner.dataset.teacher;

import io.streamaligner.inference.template.AlignerInput;
import io.streamaligner.loop.AlignerPrompt;

import java.util.Objects;

/**
 * What the teacher reads for one sentence, in the aligner's place: the task, the seed's three fields labelled
 * {@code ##Question:}, {@code ##Answer_Prefix:} and {@code ##Answer_Last_Sentence:}, one per line, and the answer
 * format {@code CORRECTION: [[…]]} with {@code EOS: [[TRUE]]} or {@code EOS: [[FALSE]]} ({@link TeacherAnswer} reads
 * it). It is one user message: some chat templates (Gemma's) refuse a system turn. A field's text that contains a
 * label is neutralised as in the aligner's own input, so it cannot fake another field.
 *
 * <p>The loop renders it as the aligner's prompt ({@link AlignerPrompt}); {@link TeacherAligner} sends it.
 */
public final class TeacherPrompt implements AlignerPrompt {

    public static final String QUESTION = "##Question: ";
    public static final String ANSWER_PREFIX = "##Answer_Prefix: ";
    public static final String LAST_SENTENCE = "##Answer_Last_Sentence: ";
    /** Starts the line that follows the fields. */
    public static final String FORMAT = "Answer in exactly this format:";
    /** Starts what {@link #askAgain} adds, so a log or a stand-in can tell a second asking. */
    public static final String ASK_AGAIN = "Your previous answer could not be read";

    private static final String TASK = """
            You are correcting an AI assistant's answer while it is being written, one sentence at a time. The \
            answer so far (the prefix) has already been corrected; you see the sentence the assistant wrote next.

            Rewrite that last sentence so that the answer becomes correct, helpful and harmless:
            - fix what is wrong in it (facts, arithmetic, reasoning, unsafe or unkind content);
            - change nothing that is already right: if the sentence is fine, repeat it exactly;
            - keep the assistant's style, language and formatting, and write only what this sentence should say, \
            not the rest of the answer and not the prefix again.
            Then say whether the answer is complete once your sentence is added to the prefix.

            The prefix is empty when this is the answer's first sentence.

            """;

    private static final String ANSWER_FORMAT = "\n\n" + FORMAT + "\n"
            + "CORRECTION: [[the rewritten last sentence]]\n"
            + "EOS: [[TRUE]] if the answer is complete with it, or EOS: [[FALSE]] if more should follow";

    /** The teacher's message for the assistant's last sentence, after the prefix already corrected. */
    @Override
    public String render(String question, String alignedPrefix, String lastSentence) {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(alignedPrefix, "alignedPrefix");
        Objects.requireNonNull(lastSentence, "lastSentence");
        return TASK
                + QUESTION + AlignerInput.MARKERS.neutralize(question) + "\n"
                + ANSWER_PREFIX + AlignerInput.MARKERS.neutralize(alignedPrefix) + "\n"
                + LAST_SENTENCE + AlignerInput.MARKERS.neutralize(lastSentence)
                + ANSWER_FORMAT;
    }

    /** The same message asked once more, after an answer that could not be read for {@code reason}. */
    public String askAgain(String prompt, String reason) {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(reason, "reason");
        return prompt + "\n\n" + ASK_AGAIN + " (" + reason + "). Answer again, with the CORRECTION line and the EOS"
                + " line exactly as shown above.";
    }
}
