package io.streamaligner.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServeSettingsTest {

    @Test
    void shouldDefaultToLoopbackAFreePortAndNoKey() {
        ServeSettings settings = ServeSettings.defaults("toy");

        assertThat(settings.host()).isEqualTo("127.0.0.1");
        assertThat(settings.port()).isZero();
        assertThat(settings.apiKey()).isEmpty();
        assertThat(settings.maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(settings.template()).isEmpty();
    }

    @Test
    void shouldNeverShowTheKey() {
        ServeSettings settings = ServeSettings.defaults("toy").withApiKey("sk-very-secret");

        assertThat(settings.toString()).doesNotContain("sk-very-secret").contains("[hidden]");
    }

    @Test
    void shouldRejectInvalidSettings() {
        ServeSettings base = ServeSettings.defaults("toy");

        assertThatThrownBy(() -> base.withPort(70000)).hasMessageContaining("port");
        assertThatThrownBy(() -> base.withHost(" ")).hasMessageContaining("host");
        assertThatThrownBy(() -> ServeSettings.defaults("")).hasMessageContaining("servedModelName");
        assertThatThrownBy(() -> base.withApiKey(" ")).hasMessageContaining("apiKey");
        assertThatThrownBy(() -> base.withMaxBodyBytes(0)).hasMessageContaining("maxBodyBytes");
        assertThatThrownBy(() -> base.withDefaultMaxTokens(0)).hasMessageContaining("defaultMaxTokens");
        assertThatThrownBy(() -> base.withTemplate("nope")).hasMessageContaining("unknown chat template 'nope'");
    }
}
