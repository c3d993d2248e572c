package io.streamaligner.inference.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeyTest {

    private static final String SECRET = "sk-proj-Xy7Secret0123456789";

    @Test
    void shouldRevealTheKeyOnlyThroughValue() {
        ApiKey key = ApiKey.of("  " + SECRET + "\n");

        assertThat(key.value()).contains(SECRET);
        assertThat(key.isPresent()).isTrue();
        assertThat(key.toString()).isEqualTo("[hidden]");
    }

    @Test
    void shouldHaveNoValueForNone() {
        assertThat(ApiKey.NONE.value()).isEmpty();
        assertThat(ApiKey.NONE.isPresent()).isFalse();
        assertThat(ApiKey.NONE.toString()).isEqualTo("(none)");
    }

    @Test
    void shouldRefuseABlankKey() {
        assertThatThrownBy(() -> ApiKey.of("  ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldReadTheKeyFromAnEnvironmentVariable() {
        ApiKey key = ApiKey.fromEnvironment("VLLM_API_KEY", Map.of("VLLM_API_KEY", SECRET));

        assertThat(key.value()).contains(SECRET);
        assertThat(key.environmentVariable()).contains("VLLM_API_KEY");
        assertThat(key.toString()).doesNotContain(SECRET);
    }

    @Test
    void shouldNameTheVariableButNotItsValueWhenItIsBlank() {
        assertThatThrownBy(() -> ApiKey.fromEnvironment("VLLM_API_KEY", Map.of("VLLM_API_KEY", " ")))
                .hasMessageContaining("VLLM_API_KEY").hasMessageContaining("blank");
        assertThatThrownBy(() -> ApiKey.fromEnvironment("VLLM_API_KEY", Map.of()))
                .hasMessageContaining("VLLM_API_KEY").hasMessageContaining("not set");
    }

    @Test
    void shouldReadTheKeyFromAFileTrimmingTheNewline(@TempDir Path folder) throws IOException {
        Path file = Files.writeString(folder.resolve("key"), SECRET + "\n");

        ApiKey key = ApiKey.fromFile(file);

        assertThat(key.value()).contains(SECRET);
        assertThat(key.file()).contains(file);
        assertThat(key).isEqualTo(ApiKey.of(SECRET));
    }

    @Test
    void shouldNameTheFileWhenItIsMissingOrEmpty(@TempDir Path folder) throws IOException {
        Path empty = Files.writeString(folder.resolve("empty"), "\n");

        assertThatThrownBy(() -> ApiKey.fromFile(folder.resolve("missing")))
                .hasMessageContaining("missing").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ApiKey.fromFile(empty)).hasMessageContaining("empty");
    }
}
