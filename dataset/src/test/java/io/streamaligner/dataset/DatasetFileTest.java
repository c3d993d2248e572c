package io.streamaligner.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataset a run writes, and what a second run finds in it. */
class DatasetFileTest {

    private static final DatasetRecord Q1_FIRST = new DatasetRecord("q1?", "", "A.", "A.", false);
    private static final DatasetRecord Q1_LAST = new DatasetRecord("q1?", "A.", "B!", "B.", true);
    private static final DatasetRecord Q2_FIRST = new DatasetRecord("q2?", "", "C.", "C.", false);
    private static final DatasetRecord Q2_LAST = new DatasetRecord("q2?", "C.", "D.", "D.", true);

    @TempDir
    Path dir;

    @Test
    void shouldAppendEachQuestionsRecordsAsLinesAndKnowItsQuestionsNextTime() throws Exception {
        Path path = dir.resolve("d.jsonl");
        try (DatasetFile file = DatasetFile.open(path)) {
            assertThat(file.questions()).isEmpty();
            file.append(List.of(Q1_FIRST, Q1_LAST));
            file.append(List.of(Q2_FIRST, Q2_LAST));
        }

        assertThat(Files.readAllLines(path)).containsExactly(Q1_FIRST.toJson(), Q1_LAST.toJson(), Q2_FIRST.toJson(),
                Q2_LAST.toJson());
        try (DatasetFile again = DatasetFile.open(path)) {
            assertThat(again.questions()).containsExactlyInAnyOrder("q1?", "q2?");
            assertThat(again.records()).isEqualTo(4);
            assertThat(again.repair()).isEmpty();
        }
    }

    @Test
    void shouldRemoveALineCutShortWithTheLinesOfTheQuestionBeforeIt() throws Exception {
        Path path = dir.resolve("d.jsonl");
        String cut = Q2_LAST.toJson().substring(0, 30);
        Files.writeString(path, Q1_FIRST.toJson() + "\n" + Q1_LAST.toJson() + "\n" + Q2_FIRST.toJson() + "\n" + cut);

        try (DatasetFile file = DatasetFile.open(path)) {
            assertThat(file.questions()).containsExactly("q1?");
            assertThat(file.records()).isEqualTo(2);
            assertThat(file.repair()).hasValueSatisfying(repair -> assertThat(repair)
                    .contains("ended in a line cut short").contains("the 1 line(s) before it of the question \"q2?\""));
        }

        assertThat(Files.readAllLines(path)).containsExactly(Q1_FIRST.toJson(), Q1_LAST.toJson());
    }

    @Test
    void shouldRemoveOnlyTheCutLineWhenNoCompleteLineComesBeforeIt() throws Exception {
        Path path = dir.resolve("d.jsonl");
        Files.writeString(path, "{\"question\":\"q");

        try (DatasetFile file = DatasetFile.open(path)) {
            assertThat(file.questions()).isEmpty();
            assertThat(file.repair()).hasValueSatisfying(repair -> assertThat(repair).endsWith("removed it"));
        }

        assertThat(Files.readString(path)).isEmpty();
    }

    @Test
    void shouldRefuseAFileWithALineThatIsNotARecordAndLeaveItAsItIs() throws Exception {
        Path path = dir.resolve("d.jsonl");
        String content = Q1_FIRST.toJson() + "\nnot json\n" + Q1_LAST.toJson() + "\n";
        Files.writeString(path, content);

        assertThatThrownBy(() -> DatasetFile.open(path))
                .isInstanceOf(DatasetFileException.class)
                .hasMessageStartingWith(path + " line 2 is not a dataset record (not valid JSON")
                .hasMessageEndingWith("fix or remove it, or write to another --out");
        assertThat(Files.readString(path)).isEqualTo(content);
        assertThatThrownBy(() -> DatasetFile.open(path)).as("the refused file's lock went with it")
                .isInstanceOf(DatasetFileException.class).hasMessageNotContaining("another run");
    }

    @Test
    void shouldLeaveALastLineWithoutABreakAloneUnlessAnInterruptedWriteCutIt() throws Exception {
        Path notOurs = dir.resolve("questions.jsonl");
        Files.writeString(notOurs, "What is 2 + 3?");
        Path wholeRecord = dir.resolve("edited.jsonl");
        Files.writeString(wholeRecord, Q1_FIRST.toJson() + "\n" + Q1_LAST.toJson());

        for (Path path : List.of(notOurs, wholeRecord)) {
            String content = Files.readString(path);
            assertThatThrownBy(() -> DatasetFile.open(path)).as(path.toString())
                    .isInstanceOf(DatasetFileException.class)
                    .hasMessageContaining("has no line break after it and is not a line this program cut short");
            assertThat(Files.readString(path)).as("nothing removed").isEqualTo(content);
        }
    }

    @Test
    void shouldRefuseAFileAnotherRunWrites() {
        Path path = dir.resolve("d.jsonl");
        try (DatasetFile first = DatasetFile.open(path)) {
            assertThatThrownBy(() -> DatasetFile.open(path)).isInstanceOf(DatasetFileException.class)
                    .hasMessageContaining("another run is writing");
        }
    }
}
