package io.streamaligner.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {

    @Test
    void shouldTakeNearestRankPercentilesOfMeasuredValues() {
        List<Long> nanos = new ArrayList<>();
        for (long ms = 100; ms >= 1; ms--) {
            nanos.add(ms * 1_000_000);
        }

        LatencySummary summary = LatencySummary.ofNanos(nanos);

        assertThat(summary.count()).isEqualTo(100);
        assertThat(summary.p50Ms()).isEqualTo(50.0);
        assertThat(summary.p99Ms()).isEqualTo(99.0);
        assertThat(summary.meanMs()).isEqualTo(50.5);
    }

    @Test
    void shouldGiveTheOnlySampleForEveryPercentile() {
        LatencySummary summary = LatencySummary.ofNanos(List.of(7_500_000L));

        assertThat(summary.p50Ms()).isEqualTo(7.5);
        assertThat(summary.p99Ms()).isEqualTo(7.5);
    }

    @Test
    void shouldBeNotANumberWithoutSamples() {
        LatencySummary summary = LatencySummary.ofNanos(List.of());

        assertThat(summary.count()).isZero();
        assertThat(summary.p50Ms()).isNaN();
        assertThat(summary.p99Ms()).isNaN();
    }
}
