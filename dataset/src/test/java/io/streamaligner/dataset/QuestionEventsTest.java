package io.streamaligner.dataset;

import static io.streamaligner.dataset.LoopEvents.error;
import static io.streamaligner.dataset.LoopEvents.last;
import static io.streamaligner.dataset.LoopEvents.sentence;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.dataset.teacher.TeacherAnswersFixture;
import io.streamaligner.dataset.teacher.TeacherPrompt;
import io.streamaligner.eval.EvalItem;
import io.streamaligner.schemas.AnswerFinishReason;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What one question's events come to. */
class QuestionEventsTest {

    private static final String Q = "What is 23 + 48 - 15?";
    private static final EvalItem ITEM = new EvalItem(4, Q, Optional.of("56"));
    private static final String S1 = "First, 23 + 48 = 71.";
    private static final String S2 = "Then, 71 - 15 = 56.";
    private static final String S3 = "The answer is 56.";

    private final TeacherPrompt prompt = new TeacherPrompt();
    private final QuestionEvents events = new QuestionEvents();

    @Test
    void shouldWriteOneRecordPerRoundWithThePrefixBeforeItAndTheTeachersEndFlag() {
        TeacherAnswersFixture teacher = new TeacherAnswersFixture()
                .answered("r", prompt.render(Q, "", S1), S1, false)
                .answered("r", prompt.render(Q, S1, "Then, 71 - 15 = 58."), S2, false)
                .answered("r", prompt.render(Q, S1 + " " + S2, S3), S3, true);
        events.onSentence(sentence("r", 1, S1, S1));
        events.onSentence(sentence("r", 2, "Then, 71 - 15 = 58.", S2));
        events.onSentence(sentence("r", 3, S3, S3));
        // the upstream ended in the same round: the loop reports its end, the flag is the teacher's
        events.onFinal(last("r", S1 + " " + S2 + " " + S3, 3, AnswerFinishReason.UPSTREAM_END));

        QuestionOutcome outcome = events.outcome(ITEM, "r", teacher.answers(), prompt);

        assertThat(outcome).isEqualTo(new QuestionOutcome.Written(List.of(
                new DatasetRecord(Q, "", S1, S1, false),
                new DatasetRecord(Q, S1, "Then, 71 - 15 = 58.", S2, false),
                new DatasetRecord(Q, S1 + " " + S2, S3, S3, true)), 1));
    }

    @Test
    void shouldRejectTheQuestionWhenTheTeachersAnswerCouldNotBeRead() {
        TeacherAnswersFixture teacher = new TeacherAnswersFixture()
                .answered("r", prompt.render(Q, "", S1), S1, false)
                .unreadable("r", prompt.render(Q, S1, S2), "no CORRECTION: [[…]] in the answer", "Looks right to me.");
        events.onSentence(sentence("r", 1, S1, S1));
        events.onError(error("r", 2, "request r: the teacher's answer could not be read, twice: ..."));
        events.onFinal(last("r", S1, 1, AnswerFinishReason.ERROR));

        QuestionOutcome outcome = events.outcome(ITEM, "r", teacher.answers(), prompt);

        assertThat(outcome).isEqualTo(new QuestionOutcome.Rejected(new RejectedQuestion(Q, 4, 2,
                "the teacher's answer could not be read, asked twice: no CORRECTION: [[…]] in the answer",
                Optional.of("Looks right to me."))));
    }

    @Test
    void shouldFailWithoutWritingWhenTheLoopFailedForAnotherReason() {
        events.onError(error("r", 1, "request r: HTTP 503 after 3 attempts"));
        events.onFinal(last("r", "", 0, AnswerFinishReason.ERROR));

        QuestionOutcome outcome = events.outcome(ITEM, "r", new TeacherAnswersFixture().answers(), prompt);

        assertThat(outcome).isEqualTo(new QuestionOutcome.Failed("ALIGNER round 1: request r: HTTP 503 after 3 attempts"));
    }

    @Test
    void shouldRejectAnAnswerWithoutASentence() {
        events.onFinal(last("r", "", 0, AnswerFinishReason.UPSTREAM_END));

        QuestionOutcome outcome = events.outcome(ITEM, "r", new TeacherAnswersFixture().answers(), prompt);

        assertThat(outcome).isEqualTo(new QuestionOutcome.Rejected(new RejectedQuestion(Q, 4, 1,
                "the upstream wrote no sentence to correct", Optional.empty())));
    }

    @Test
    void shouldNeverWriteACorrectionThatIsNotTheTeachers() {
        TeacherAnswersFixture teacher = new TeacherAnswersFixture().answered("r", prompt.render(Q, "", S1), S1, false);
        events.onSentence(sentence("r", 1, S1, "First, 23 + 48 = 72."));
        events.onFinal(last("r", "First, 23 + 48 = 72.", 1, AnswerFinishReason.MAX_ROUNDS));

        QuestionOutcome outcome = events.outcome(ITEM, "r", teacher.answers(), prompt);

        assertThat(outcome).isInstanceOfSatisfying(QuestionOutcome.Failed.class, failed -> assertThat(failed.reason())
                .startsWith("round 1's correction is not one this run's teacher wrote"));
        assertThat(events.outcome(ITEM, "other-request", teacher.answers(), prompt))
                .as("nor one the teacher wrote for another request").isInstanceOf(QuestionOutcome.Failed.class);
    }

    @Test
    void shouldNeverWriteSentencesThatDoNotAddUpToTheFinalAnswer() {
        TeacherAnswersFixture teacher = new TeacherAnswersFixture().answered("r", prompt.render(Q, "", S1), S1, false);
        events.onSentence(sentence("r", 1, S1, S1));
        events.onFinal(last("r", S1 + " " + S2, 2, AnswerFinishReason.MAX_ROUNDS));

        assertThat(events.outcome(ITEM, "r", teacher.answers(), prompt))
                .isEqualTo(new QuestionOutcome.Failed("the corrected sentences do not add up to the final answer"));
    }

    @Test
    void shouldNotWriteAnAnswerWhoseFinalEventHasNotCome() {
        events.onSentence(sentence("r", 1, S1, S1));

        assertThat(events.outcome(ITEM, "r", new TeacherAnswersFixture().answers(), prompt))
                .isEqualTo(new QuestionOutcome.Failed("no final event arrived"));
    }
}
