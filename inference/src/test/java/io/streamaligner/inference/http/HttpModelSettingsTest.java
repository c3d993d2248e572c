package io.streamaligner.inference.http;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpModelSettingsTest {

    private static final URI BASE = URI.create("http://127.0.0.1:8000/v1");

    @Test
    void shouldDefaultToVllmChatWithoutAKey() {
        HttpModelSettings settings = HttpModelSettings.defaults(BASE);

        assertThat(settings.server()).isEqualTo(ServerKind.VLLM);
        assertThat(settings.api()).isEqualTo(ApiKind.CHAT);
        assertThat(settings.servedModel()).isEmpty();
        assertThat(settings.apiKey()).isEqualTo(ApiKey.NONE);
        assertThat(settings.chunkTimeout()).isEqualTo(HttpModelSettings.DEFAULT_CHUNK_TIMEOUT);
        assertThat(settings.endOfAnswerToken()).isEmpty();
    }

    @Test
    void shouldDropTrailingSlashesFromTheBaseUrl() {
        HttpModelSettings settings = HttpModelSettings.defaults(URI.create("http://127.0.0.1:8000/v1//"));

        assertThat(settings.baseUrl()).isEqualTo(BASE);
        assertThat(settings.endpoint(ApiKind.CHAT.path())).isEqualTo(URI.create(BASE + "/chat/completions"));
        assertThat(settings.endpoint(ApiKind.COMPLETIONS.path())).isEqualTo(URI.create(BASE + "/completions"));
    }

    @Test
    void shouldRefuseABaseUrlThatCarriesCredentialsWithoutEchoingThem() {
        assertThatThrownBy(() -> HttpModelSettings.defaults(URI.create("http://user:hunter2@127.0.0.1:8000/v1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("credentials")
                .satisfies(error -> assertThat(error.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void shouldRefuseABaseUrlThatIsNotHttp() {
        assertThatThrownBy(() -> HttpModelSettings.defaults(URI.create("ftp://127.0.0.1/v1")))
                .hasMessageContaining("http or https");
        assertThatThrownBy(() -> HttpModelSettings.defaults(URI.create("http://127.0.0.1:8000/v1?x=1")))
                .hasMessageContaining("query");
    }

    @Test
    void shouldRefuseTimeoutsThatAreNotPositive() {
        HttpModelSettings settings = HttpModelSettings.defaults(BASE);

        assertThatThrownBy(() -> settings.withTimeouts(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> settings.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofMillis(-1))).hasMessageContaining("chunkTimeout");
    }

    @Test
    void shouldRefuseAnEmptyEndOfAnswerToken() {
        assertThatThrownBy(() -> HttpModelSettings.defaults(BASE).withEndOfAnswerToken(""))
                .hasMessageContaining("endOfAnswerToken");
    }

    @Test
    void shouldStripTheServedModelName() {
        assertThat(HttpModelSettings.defaults(BASE).withServedModel("  qwen  ").servedModel()).isEqualTo("qwen");
    }

    @Test
    void shouldReadTheApiKindInAnyCase() {
        assertThat(ApiKind.fromConfigValue("Chat")).isEqualTo(ApiKind.CHAT);
        assertThat(ApiKind.fromConfigValue(" completions ")).isEqualTo(ApiKind.COMPLETIONS);
        assertThatThrownBy(() -> ApiKind.fromConfigValue("responses"))
                .hasMessageContaining("'responses'")
                .hasMessageContaining("chat, completions");
    }
}
