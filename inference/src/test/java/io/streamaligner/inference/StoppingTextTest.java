package io.streamaligner.inference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StoppingTextTest {

    /** Stops right after the first ". " (the period kept, the space not). */
    private static final StopCondition FIRST_SENTENCE = text -> {
        int at = text.indexOf(". ");
        return at < 0 ? -1 : at + 1;
    };

    @Test
    void shouldKeepEveryDeltaUntilTheStopConditionCuts() {
        StoppingText text = new StoppingText(FIRST_SENTENCE);

        assertThat(text.append("First, 2")).isEqualTo("First, 2");
        assertThat(text.append(" + 2 = 4")).isEqualTo(" + 2 = 4");
        assertThat(text.stopped()).isFalse();
        assertThat(text.text()).isEqualTo("First, 2 + 2 = 4");
    }

    @Test
    void shouldKeepOnlyWhatComesBeforeTheCutAndNothingAfterIt() {
        StoppingText text = new StoppingText(FIRST_SENTENCE);
        text.append("It is 4");

        assertThat(text.append(". Then")).isEqualTo(".");
        assertThat(text.stopped()).isTrue();
        assertThat(text.append(" more")).isEmpty();
        assertThat(text.text()).isEqualTo("It is 4.");
    }

    @Test
    void shouldCutInsideTextAlreadyKeptWithoutHandingOnMore() {
        // a condition may cut before the newest delta: the text shrinks, and that delta gives nothing
        StoppingText text = new StoppingText(whole -> whole.contains("STOP") ? whole.indexOf("ab") : -1);
        text.append("xxab");

        assertThat(text.append("STOP")).isEmpty();
        assertThat(text.text()).isEqualTo("xx");
    }

    @Test
    void shouldIgnoreEmptyDeltas() {
        StoppingText text = new StoppingText(StopCondition.NEVER);

        assertThat(text.append("")).isEmpty();
        assertThat(text.text()).isEmpty();
        assertThat(text.stopped()).isFalse();
    }
}
