package io.streamaligner.topology.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar as a new user has it: copied alone into an empty directory and started there, it runs the demo on
 * the models packed inside it (copied into the user's cache, here a scratch one).
 */
@Tag("integration")
class SelfContainedJarIT {

    private static final Path JAR = Path.of("target", "stream-aligner.jar");
    private static final long TIMEOUT_SECONDS = 300;

    @Test
    void shouldRunTheDemoFromAnEmptyDirectoryHoldingOnlyTheJar(@TempDir Path scratch) throws IOException, InterruptedException {
        Path directory = Files.createDirectories(scratch.resolve("empty"));
        Path cache = scratch.resolve("cache");
        Files.copy(JAR, directory.resolve("stream-aligner.jar"));
        Path output = scratch.resolve("output.txt");
        ProcessBuilder demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", "stream-aligner.jar", "demo", "--questions", "2")
                .directory(directory.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
        demo.environment().put("XDG_CACHE_HOME", cache.toString());
        demo.environment().keySet().removeIf(name -> name.startsWith("STREAM_ALIGNER_"));

        Process process = demo.start();
        boolean finished = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);

        assertThat(finished).as(printed).isTrue();
        assertThat(process.exitValue()).as(printed).isZero();
        assertThat(printed).contains("answers right: 2/2");
        try (Stream<Path> models = Files.list(cache.resolve("stream-aligner").resolve("models"))) {
            assertThat(models.map(model -> model.getFileName().toString().replaceAll("-[0-9a-f]{16}$", "")))
                    .containsExactlyInAnyOrderElementsOf(List.of("toy-math-upstream", "toy-math-aligner"));
        }
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files).as("nothing written beside the jar").containsExactly(directory.resolve("stream-aligner.jar"));
        }
    }
}
