package io.streamaligner.dataset.teacher;

/** Teacher answers as {@link TeacherAligner} keeps them, for tests of what reads them. */
public final class TeacherAnswersFixture {

    private final TeacherAnswers answers = new TeacherAnswers();

    public TeacherAnswersFixture answered(String requestId, String prompt, String correction, boolean endOfAnswer) {
        answers.record(requestId, prompt, new TeacherAnswer(correction, endOfAnswer));
        return this;
    }

    public TeacherAnswersFixture unreadable(String requestId, String prompt, String reason, String lastAnswer) {
        answers.reject(requestId, new TeacherAnswers.Rejection(prompt, reason, lastAnswer));
        return this;
    }

    public TeacherAnswers answers() {
        return answers;
    }
}
