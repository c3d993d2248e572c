package io.streamaligner.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The questions skipped for good, beside the dataset. */
class RejectsFileTest {

    private static final RejectedQuestion UNREADABLE = new RejectedQuestion("q1?", 3, 2,
            "the teacher's answer could not be read, asked twice: no CORRECTION: [[…]] in the answer",
            Optional.of("It is fine."));
    private static final RejectedQuestion SILENT = new RejectedQuestion("q2?", 7, 1, "the upstream wrote no sentence to correct",
            Optional.empty());

    @TempDir
    Path dir;

    @Test
    void shouldSitBesideTheDataset() {
        assertThat(RejectsFile.besides(dir.resolve("d.jsonl"))).isEqualTo(dir.resolve("d.rejects.jsonl"));
        assertThat(RejectsFile.besides(dir.resolve("d.txt"))).isEqualTo(dir.resolve("d.txt.rejects.jsonl"));
        assertThat(RejectsFile.besides(Path.of("d.jsonl"))).isEqualTo(Path.of("d.rejects.jsonl"));
    }

    @Test
    void shouldBeCreatedWithTheFirstRejectOnly() {
        Path path = dir.resolve("d.rejects.jsonl");

        try (RejectsFile rejects = RejectsFile.open(path)) {
            assertThat(rejects.questions()).isEmpty();
        }

        assertThat(path).doesNotExist();
    }

    @Test
    void shouldWriteEachRejectAsALineWithWhyAndKnowItsQuestionsNextTime() throws Exception {
        Path path = dir.resolve("d.rejects.jsonl");
        try (RejectsFile rejects = RejectsFile.open(path)) {
            rejects.append(UNREADABLE);
            rejects.append(SILENT);
        }

        assertThat(Files.readAllLines(path)).containsExactly(
                "{\"question\":\"q1?\",\"line\":3,\"round\":2,\"reason\":\"the teacher's answer could not be read, asked twice:"
                        + " no CORRECTION: [[…]] in the answer\",\"teacher_answer\":\"It is fine.\"}",
                "{\"question\":\"q2?\",\"line\":7,\"round\":1,\"reason\":\"the upstream wrote no sentence to correct\"}");
        try (RejectsFile again = RejectsFile.open(path)) {
            assertThat(again.questions()).containsExactlyInAnyOrder("q1?", "q2?");
        }
    }

    @Test
    void shouldRemoveALastLineCutShortSoItsQuestionIsDoneAgain() throws Exception {
        Path path = dir.resolve("d.rejects.jsonl");
        Files.writeString(path, UNREADABLE.toJson() + "\n" + SILENT.toJson().substring(0, 20));

        try (RejectsFile rejects = RejectsFile.open(path)) {
            assertThat(rejects.questions()).containsExactly("q1?");
            assertThat(rejects.repair()).isPresent();
        }

        assertThat(Files.readAllLines(path)).containsExactly(UNREADABLE.toJson());
    }

    @Test
    void shouldRefuseALineThatNamesNoQuestion() throws Exception {
        Path path = dir.resolve("d.rejects.jsonl");
        Files.writeString(path, "{\"reason\":\"x\"}\n");

        assertThatThrownBy(() -> RejectsFile.open(path)).isInstanceOf(DatasetFileException.class)
                .hasMessage(path + " line 1 is not a reject (a JSON object with a \"question\"); fix or remove it");
    }
}
