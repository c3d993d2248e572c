package io.streamaligner.inference.model;

import io.streamaligner.inference.ModelFolderException;
import io.streamaligner.inference.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelFolderTest {

    @Test
    void shouldReadTheBundledAligner() {
        ModelFolder folder = ModelFolder.open(TestModels.aligner());

        assertThat(folder.config().layers()).isPositive();
        assertThat(folder.config().attentionHeads() % folder.config().keyValueHeads()).isZero();
        assertThat(folder.eosTokenIds()).isNotEmpty();
        assertThat(folder.chatTemplateName()).hasValue("toy");
        assertThat(folder.modelFile()).exists();
        assertThat(folder.tokenizerFile()).exists();
        assertThat(folder.addBosToken()).isFalse();
    }

    @Test
    void shouldNameEveryMissingFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), "{}");

        assertThatThrownBy(() -> ModelFolder.open(dir))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("model.onnx")
                .hasMessageContaining("tokenizer.json")
                .hasMessageNotContaining("config.json,");
    }

    @Test
    void shouldRejectAFolderThatDoesNotExist(@TempDir Path dir) {
        assertThatThrownBy(() -> ModelFolder.open(dir.resolve("absent")))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("absent");
    }

    @Test
    void shouldNameTheFileThatIsNotJson(@TempDir Path dir) throws IOException {
        Path folder = copyOfBundled(dir);
        Files.writeString(folder.resolve("generation_config.json"), "{not json");

        assertThatThrownBy(() -> ModelFolder.open(folder))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("generation_config.json");
    }

    @Test
    void shouldReadTheProjectSettingsAndTokenizerConfig(@TempDir Path dir) throws IOException {
        Path folder = copyOfBundled(dir);
        Files.writeString(folder.resolve("stream_aligner.json"),
                "{\"chat_template\": \"gemma\", \"end_of_answer_token\": \"<|end_of_answer|>\"}");
        Files.writeString(folder.resolve("tokenizer_config.json"), "{\"add_bos_token\": true}");
        Files.delete(folder.resolve("generation_config.json"));

        ModelFolder opened = ModelFolder.open(folder);

        assertThat(opened.chatTemplateName()).hasValue("gemma");
        assertThat(opened.endOfAnswerToken()).hasValue("<|end_of_answer|>");
        assertThat(opened.addBosToken()).isTrue();
        assertThat(opened.generationDefaults()).isEqualTo(GenerationDefaults.HUGGINGFACE);
    }

    /** The bundled upstream's JSON files and an empty model.onnx, in a scratch folder the test may change. */
    static Path copyOfBundled(Path dir) throws IOException {
        Path folder = dir.resolve("model");
        Files.createDirectories(folder);
        for (String file : List.of("tokenizer.json", "config.json", "generation_config.json", "stream_aligner.json")) {
            Files.copy(TestModels.upstream().resolve(file), folder.resolve(file));
        }
        Files.createFile(folder.resolve("model.onnx")); // ModelFolder only checks it is there
        return folder;
    }
}
