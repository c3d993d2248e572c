package io.streamaligner.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class BearerAuthTest {

    @Test
    void shouldAllowEveryRequestWithoutAKey() {
        BearerAuth auth = BearerAuth.of(Optional.empty());

        assertThat(auth.required()).isFalse();
        assertThat(auth.allows(null)).isTrue();
    }

    @Test
    void shouldAllowOnlyTheConfiguredBearerToken() {
        BearerAuth auth = BearerAuth.of(Optional.of("k3y"));

        assertThat(auth.allows("Bearer k3y")).isTrue();
        assertThat(auth.allows("bearer k3y")).isTrue();
        assertThat(auth.allows("Bearer k3y2")).isFalse();
        assertThat(auth.allows("Basic k3y")).isFalse();
        assertThat(auth.allows("k3y")).isFalse();
        assertThat(auth.allows(null)).isFalse();
        assertThat(auth.toString()).doesNotContain("k3y");
    }
}
