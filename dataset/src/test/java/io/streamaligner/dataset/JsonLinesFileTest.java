package io.streamaligner.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How lines reach the disk and come back on the next run. */
class JsonLinesFileTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadNothingFromAFileThatDoesNotExistAndCreateItOnlyWhenAsked() {
        Path lazy = dir.resolve("lazy.jsonl");
        Path eager = dir.resolve("eager.jsonl");

        try (JsonLinesFile notYet = JsonLinesFile.open(lazy, false); JsonLinesFile now = JsonLinesFile.open(eager, true)) {
            assertThat(notYet.lines()).isEmpty();
            assertThat(notYet.cutLine()).isEmpty();
            assertThat(lazy).doesNotExist();
            assertThat(eager).exists();
        }
    }

    @Test
    void shouldAppendEachCallsLinesAndReadThemBackWithTheirNumbers() throws Exception {
        Path path = dir.resolve("d.jsonl");
        try (JsonLinesFile file = JsonLinesFile.open(path, false)) {
            file.append(List.of("{\"a\":1}", "{\"a\":2}"));
            file.append(List.of("{\"a\":3}"));
        }

        assertThat(Files.readString(path)).isEqualTo("{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n");
        try (JsonLinesFile again = JsonLinesFile.open(path, false)) {
            assertThat(again.lines()).extracting(JsonLinesFile.Line::number, JsonLinesFile.Line::text)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "{\"a\":1}"),
                            org.assertj.core.groups.Tuple.tuple(2, "{\"a\":2}"),
                            org.assertj.core.groups.Tuple.tuple(3, "{\"a\":3}"));
            assertThat(again.cutLine()).isEmpty();
        }
    }

    @Test
    void shouldReportALastLineCutShortAndRemoveWhatItIsTold() throws Exception {
        Path path = dir.resolve("d.jsonl");
        Files.writeString(path, "{\"a\":1}\r\n{\"a\":2}\n{\"a\":", StandardCharsets.UTF_8);

        try (JsonLinesFile file = JsonLinesFile.open(path, true)) {
            assertThat(file.lines()).extracting(JsonLinesFile.Line::text).containsExactly("{\"a\":1}", "{\"a\":2}");
            assertThat(file.cutLine()).contains("{\"a\":");
            file.truncateFrom(1);
            file.append(List.of("{\"b\":2}"));
        }

        assertThat(Files.readString(path)).isEqualTo("{\"a\":1}\r\n{\"b\":2}\n");
    }

    @Test
    void shouldLetOneRunWriteAFileAtATime() {
        Path path = dir.resolve("d.jsonl");
        try (JsonLinesFile first = JsonLinesFile.open(path, true)) {
            assertThatThrownBy(() -> JsonLinesFile.open(path, true))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("another run is writing " + path);
        }
        JsonLinesFile.open(path, true).close();
    }

    @Test
    void shouldKeepTheLockAgainstAnotherProcessAfterReadingTheFile() throws Exception {
        Path path = dir.resolve("d.jsonl");
        Files.writeString(path, "{\"a\":1}\n");
        try (JsonLinesFile file = JsonLinesFile.open(path, true)) {
            assertThat(file.lines()).hasSize(1);

            assertThat(lockProbe(path)).as("another process, after the file was read").isEqualTo("locked-by-another");
        }
        assertThat(lockProbe(path)).isEqualTo("free");
    }

    /** What {@link LockProbe} says, run in a JVM of its own (a lock is per process). */
    private static String lockProbe(Path path) throws Exception {
        Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), LockProbe.class.getName(), path.toString())
                .redirectErrorStream(true).start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(probe.waitFor()).as(output).isZero();
        return output;
    }

    @Test
    void shouldSayWhyAFileCannotBeWritten() {
        Path nowhere = dir.resolve("missing-folder").resolve("d.jsonl");

        assertThatThrownBy(() -> JsonLinesFile.open(nowhere, true))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot write " + nowhere + ": its folder does not exist");
    }
}
