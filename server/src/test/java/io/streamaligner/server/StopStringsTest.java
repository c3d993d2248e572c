package io.streamaligner.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaligner.inference.StopCondition;
import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringsTest {

    @Test
    void shouldCutAtTheEarliestOccurrenceAndRememberWhichStringMatched() {
        StopStrings stops = new StopStrings(List.of("cd", "b"));

        assertThat(stops.stopAt("a")).isEqualTo(StopCondition.NO_STOP);
        assertThat(stops.matched()).isEmpty();
        assertThat(stops.stopAt("abcd")).isEqualTo(1);
        assertThat(stops.matched()).contains("b");
    }

    @Test
    void shouldFindAStopStringThatSpansDeltas() {
        StopStrings stops = new StopStrings(List.of("\n\n"));

        assertThat(stops.stopAt("Hello\n")).isEqualTo(StopCondition.NO_STOP);
        assertThat(stops.stopAt("Hello\n\n")).isEqualTo(5);
        assertThat(stops.matched()).contains("\n\n");
    }

    @Test
    void shouldNeverStopWithoutStopStrings() {
        StopStrings none = StopStrings.none();

        assertThat(none.stopAt("anything at all")).isEqualTo(StopCondition.NO_STOP);
        assertThat(none.safeLength("anything")).isEqualTo(8);
    }

    @Test
    void shouldHoldBackATailThatMayStillBecomeAStopString() {
        StopStrings stops = new StopStrings(List.of("The end", "\n\n"));

        assertThat(stops.safeLength("Hello")).isEqualTo(5);
        assertThat(stops.safeLength("Hello\n")).isEqualTo(5);
        assertThat(stops.safeLength("Hello Th")).isEqualTo(6);
        assertThat(stops.safeLength("Hello The e")).isEqualTo(6);
        assertThat(stops.safeLength("Hello Thx")).isEqualTo(9);
    }

    @Test
    void shouldRejectAnEmptyStopString() {
        assertThatThrownBy(() -> new StopStrings(List.of("a", ""))).isInstanceOf(IllegalArgumentException.class);
    }
}
