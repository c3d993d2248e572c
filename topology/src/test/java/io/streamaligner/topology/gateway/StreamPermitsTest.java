package io.streamaligner.topology.gateway;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StreamPermitsTest {

    @Test
    void shouldGiveAtMostMaxPermitsEachBackOnce() {
        StreamPermits permits = new StreamPermits(2);
        StreamPermits.Permit first = permits.tryTake().orElseThrow();
        permits.tryTake().orElseThrow();

        assertThat(permits.tryTake()).isEmpty();
        first.release();
        first.release();

        assertThat(permits.open()).isEqualTo(1);
        assertThat(permits.tryTake()).isPresent();
        assertThat(permits.tryTake()).isEmpty();
    }
}
