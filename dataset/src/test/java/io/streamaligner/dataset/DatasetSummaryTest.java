package io.streamaligner.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.dataset.teacher.TeacherUsage;
import org.junit.jupiter.api.Test;

/** What a run prints last. */
class DatasetSummaryTest {

    @Test
    void shouldSayWhatTheRunDidAndEndWithALineForScripts() {
        DatasetSummary summary = new DatasetSummary(20, 3, 17, 68, 17, 2, 1, 0,
                new TeacherUsage(71, 12_000, 600, 4_100_000_000L), 18_000_000_000L);

        assertThat(summary.lines()).containsExactly(
                "questions: 20 asked (3 done by earlier runs): 17 written, 2 rejected, 1 failed; the same command again asks"
                        + " what is not written or rejected",
                "sentences: 68 written, 17 changed by the teacher (25.0 %)",
                "teacher: 71 calls, 12000 prompt + 600 completion tokens, 4.1 s in calls; run 18.0 s",
                "dataset questions=20 done_before=3 written=17 sentences=68 changed=0.250 rejected=2 failed=1 unfinished=0"
                        + " teacher_tokens=12600 teacher_s=4.1");
        assertThat(summary.incomplete()).isTrue();
    }

    @Test
    void shouldSayHowManyQuestionsAStoppedRunLeft() {
        DatasetSummary stopped = new DatasetSummary(5, 0, 4, 16, 3, 0, 0, 16, new TeacherUsage(16, 1600, 160, 1_000_000_000L),
                2_000_000_000L);

        assertThat(stopped.lines().get(0)).isEqualTo("questions: 5 asked (0 done by earlier runs): 4 written, 0 rejected,"
                + " 0 failed, 16 unfinished (stopped); the same command again asks what is not written or rejected");
        assertThat(stopped.lines().get(3)).contains(" failed=0 unfinished=16 ");
        assertThat(stopped.incomplete()).isTrue();
    }

    @Test
    void shouldSayThatNothingWasLeftToAsk() {
        assertThat(DatasetSummary.nothingAsked(20).lines().get(0)).isEqualTo("questions: 0 asked (20 done by earlier runs): 0 written, 0 rejected, 0 failed");
        assertThat(DatasetSummary.nothingAsked(20).changedShare()).isZero();
        assertThat(DatasetSummary.nothingAsked(20).incomplete()).isFalse();
    }
}
