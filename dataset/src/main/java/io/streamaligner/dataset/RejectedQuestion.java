package io.streamaligner.dataset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;
import java.util.Optional;

/**
 * A question the run skips for good, with why: the teacher's answer could not be read even when asked once more, or
 * the upstream wrote no sentence to correct. One line of the rejects file:
 * {@code {"question", "line", "round", "reason", "teacher_answer"}} ({@code teacher_answer} only where the teacher
 * answered).
 *
 * @param question      the question
 * @param line          its line in the questions file
 * @param round         the round it was skipped in
 * @param reason        why, in words
 * @param teacherAnswer the teacher's last answer, as it wrote it
 */
public record RejectedQuestion(String question, int line, int round, String reason, Optional<String> teacherAnswer) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public RejectedQuestion {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(teacherAnswer, "teacherAnswer");
    }

    /** The line, without its line break. */
    public String toJson() {
        ObjectNode line = JSON.createObjectNode()
                .put("question", question)
                .put("line", this.line)
                .put("round", round)
                .put("reason", reason);
        teacherAnswer.ifPresent(answer -> line.put("teacher_answer", answer));
        return line.toString();
    }
}
