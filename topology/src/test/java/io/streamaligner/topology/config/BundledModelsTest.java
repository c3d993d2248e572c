package io.streamaligner.topology.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

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
}
