package io.streamaligner.dataset;

import io.streamaligner.client.ResponseListener;
import io.streamaligner.dataset.teacher.TeacherAnswer;
import io.streamaligner.dataset.teacher.TeacherAnswers;
import io.streamaligner.dataset.teacher.TeacherPrompt;
import io.streamaligner.eval.EvalItem;
import io.streamaligner.loop.AlignmentLoop;
import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.SentenceAligned;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The loop's events for one question, as the client delivers them, and the {@link QuestionOutcome} they come to.
 * Each round's record takes its sentence and correction from the round's {@code SentenceAligned}, its prefix from the
 * corrections before it (joined as the loop joins them), and its end flag from the teacher's answer to that round's
 * prompt ({@link TeacherAnswers}); that answer must also be the correction the loop used, so a correction that did not
 * come from this run's teacher is never written. Events arrive on the client's thread.
 */
public final class QuestionEvents implements ResponseListener {

    private final List<SentenceAligned> sentences = new ArrayList<>();
    private AlignmentError error;
    private AnswerFinal answer;

    @Override
    public synchronized void onSentence(SentenceAligned sentence) {
        sentences.add(sentence);
    }

    @Override
    public synchronized void onError(AlignmentError failure) {
        error = failure;
    }

    @Override
    public synchronized void onFinal(AnswerFinal last) {
        answer = last;
    }

    /**
     * What the events come to, once the final event has arrived.
     *
     * @param requestId the id the question was asked under
     * @param answers   the teacher's answers in this process
     * @param prompt    the prompt the loop rendered for the teacher
     */
    public synchronized QuestionOutcome outcome(EvalItem item, String requestId, TeacherAnswers answers, TeacherPrompt prompt) {
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(answers, "answers");
        Objects.requireNonNull(prompt, "prompt");
        if (answer == null) {
            return new QuestionOutcome.Failed("no final event arrived");
        }
        if (answer.getFinishReason() == AnswerFinishReason.ERROR) {
            return failed(item, requestId, answers);
        }
        if (sentences.isEmpty()) {
            return new QuestionOutcome.Rejected(new RejectedQuestion(item.question(), item.lineNumber(), 1,
                    "the upstream wrote no sentence to correct", Optional.empty()));
        }
        List<DatasetRecord> records = new ArrayList<>(sentences.size());
        int changed = 0;
        String prefix = "";
        for (SentenceAligned sentence : sentences) {
            int round = records.size() + 1;
            if (sentence.getRound() != round) {
                return new QuestionOutcome.Failed("round " + sentence.getRound() + " came where round " + round
                        + " was due");
            }
            Optional<TeacherAnswer> teacher = answers.answerTo(requestId,
                    prompt.render(item.question(), prefix, sentence.getOriginal()))
                    .filter(said -> said.correction().equals(sentence.getCorrected()));
            if (teacher.isEmpty()) {
                return new QuestionOutcome.Failed("round " + round + "'s correction is not one this run's teacher wrote"
                        + " (does another application share the loop's topics?)");
            }
            records.add(new DatasetRecord(item.question(), prefix, sentence.getOriginal(), sentence.getCorrected(),
                    teacher.get().endOfAnswer()));
            changed += sentence.getChanged() ? 1 : 0;
            prefix = AlignmentLoop.extend(prefix, sentence.getCorrected());
        }
        if (!prefix.equals(answer.getAnswer())) {
            return new QuestionOutcome.Failed("the corrected sentences do not add up to the final answer");
        }
        return new QuestionOutcome.Written(records, changed);
    }

    private QuestionOutcome failed(EvalItem item, String requestId, TeacherAnswers answers) {
        int round = error == null ? 0 : error.getRound();
        Optional<TeacherAnswers.Rejection> unreadable = answers.rejection(requestId);
        if (unreadable.isPresent()) {
            return new QuestionOutcome.Rejected(new RejectedQuestion(item.question(), item.lineNumber(), round,
                    "the teacher's answer could not be read, asked twice: " + unreadable.get().reason(),
                    Optional.of(unreadable.get().lastAnswer())));
        }
        return new QuestionOutcome.Failed(error == null ? "the loop ended it with ERROR"
                : error.getStage() + " round " + error.getRound() + ": " + error.getMessage());
    }
}
