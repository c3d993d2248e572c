package io.streamaligner.topology.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundledModelsTest {

    @Test
    void shouldFindTheRepositorysModelFolders() {
        assertThat(BundledModels.folder(BundledModels.UPSTREAM).resolve("tokenizer.json")).isRegularFile();
        assertThat(BundledModels.folder(BundledModels.ALIGNER).resolve("tokenizer.json")).isRegularFile();
    }

    @Test
    void shouldNameAFolderUnderTheWorkingDirectoryWhenNoneExists() {
        assertThat(BundledModels.folder("no-such-model")).isEqualTo(Path.of("models", "no-such-model").toAbsolutePath());
    }

    @Test
    void shouldCopyAModelPackedInTheJarIntoTheCacheOnce(@TempDir Path cache) throws IOException {
        Path copied = PackagedModels.extract(BundledModels.UPSTREAM, cache).orElseThrow();
        FileTime written = Files.getLastModifiedTime(copied.resolve("model.onnx"));

        assertThat(copied.getParent()).isEqualTo(cache.resolve("models"));
        assertThat(copied.getFileName().toString()).startsWith(BundledModels.UPSTREAM + "-");
        for (String file : List.of("model.onnx", "tokenizer.json", "config.json", "generation_config.json", "stream_aligner.json")) {
            assertThat(copied.resolve(file)).hasSameBinaryContentAs(BundledModels.folder(BundledModels.UPSTREAM).resolve(file));
        }
        assertThat(PackagedModels.extract(BundledModels.UPSTREAM, cache)).hasValue(copied);
        assertThat(Files.getLastModifiedTime(copied.resolve("model.onnx"))).isEqualTo(written);
        try (Stream<Path> entries = Files.list(cache.resolve("models"))) {
            assertThat(entries).as("no staging folder left behind").containsExactly(copied);
        }
    }

    @Test
    void shouldFindNoPackedModelOfAnotherName(@TempDir Path cache) {
        assertThat(PackagedModels.extract("no-such-model", cache)).isEmpty();
    }
}
