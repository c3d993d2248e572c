package io.streamaligner.dataset;

import io.streamaligner.dataset.teacher.TeacherUsage;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a run did, for its last lines.
 *
 * @param asked      questions asked this run
 * @param doneBefore questions skipped as written or rejected by an earlier run
 * @param written    questions whose records this run wrote
 * @param sentences  records this run wrote
 * @param changed    of those, sentences the teacher changed
 * @param rejected   questions this run skipped for good (in the rejects file)
 * @param failed     questions that failed and were not written (a second run asks them again)
 * @param unfinished questions of this run's plan left unanswered because the run was stopped (a second run asks them)
 * @param teacher    what the teacher's calls cost
 * @param wallNanos  the run's duration
 */
public record DatasetSummary(int asked, int doneBefore, int written, int sentences, int changed, int rejected,
                             int failed, int unfinished, TeacherUsage teacher, long wallNanos) {

    public DatasetSummary {
        Objects.requireNonNull(teacher, "teacher");
    }

    /** A run that had nothing to ask: every question was done by earlier runs. */
    public static DatasetSummary nothingAsked(int doneBefore) {
        return new DatasetSummary(0, doneBefore, 0, 0, 0, 0, 0, 0, new TeacherUsage(0, 0, 0, 0), 0);
    }

    /** Whether a second run with the same output has questions left to ask: failed or unfinished ones. */
    public boolean incomplete() {
        return failed > 0 || unfinished > 0;
    }

    /** Sentences changed per sentence written; 0 when none was written. */
    public double changedShare() {
        return sentences == 0 ? 0 : (double) changed / sentences;
    }

    /** The summary in words, then one {@code dataset key=value ...} line for scripts. */
    public List<String> lines() {
        return List.of(
                String.format(Locale.ROOT, "questions: %d asked (%d done by earlier runs): %d written, %d rejected, %d failed%s%s",
                        asked, doneBefore, written, rejected, failed, unfinished > 0 ? ", " + unfinished + " unfinished (stopped)" : "",
                        incomplete() ? "; the same command again asks what is not written or rejected" : ""),
                String.format(Locale.ROOT, "sentences: %d written, %d changed by the teacher (%.1f %%)",
                        sentences, changed, 100 * changedShare()),
                String.format(Locale.ROOT, "teacher: %d calls, %d prompt + %d completion tokens, %.1f s in calls; run %.1f s",
                        teacher.calls(), teacher.promptTokens(), teacher.completionTokens(), teacher.nanos() / 1e9,
                        wallNanos / 1e9),
                String.format(Locale.ROOT, "dataset questions=%d done_before=%d written=%d sentences=%d changed=%.3f "
                                + "rejected=%d failed=%d unfinished=%d teacher_tokens=%d teacher_s=%.1f",
                        asked, doneBefore, written, sentences, changedShare(), rejected, failed, unfinished,
                        teacher.totalTokens(), teacher.nanos() / 1e9));
    }
}
