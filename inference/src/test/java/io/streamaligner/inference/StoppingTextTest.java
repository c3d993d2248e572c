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
    void shouldHoldBackWhatTheConditionMayStillCutAndReleaseItAtTheEnd() {
        // cuts before trailing spaces once a letter follows them; until then the spaces may still be cut away
        StopCondition sentence = new StopCondition() {
            @Override
            public int stopAt(String whole) {
                int dot = whole.indexOf('.');
                return dot >= 0 && whole.substring(dot + 1).strip().length() > 0 ? dot + 1 : NO_STOP;
            }

            @Override
            public int holdBack(CharSequence whole) {
                int held = 0;
                while (held < whole.length() && whole.charAt(whole.length() - 1 - held) == ' ') {
                    held++;
                }
                return held;
            }
        };
        StoppingText cut = new StoppingText(sentence);
        assertThat(cut.append("It is.  ")).isEqualTo("It is.");
        assertThat(cut.append("Next")).isEmpty();
        assertThat(cut.text()).isEqualTo("It is.");

        StoppingText ended = new StoppingText(sentence);
        assertThat(ended.append("No stop  ")).isEqualTo("No stop");
        assertThat(ended.release()).isEqualTo("  ");
        assertThat(ended.text()).isEqualTo("No stop  ");
        assertThat(ended.release()).isEmpty();
    }

    @Test
    void shouldIgnoreEmptyDeltas() {
        StoppingText text = new StoppingText(StopCondition.NEVER);

        assertThat(text.append("")).isEmpty();
        assertThat(text.text()).isEmpty();
        assertThat(text.stopped()).isFalse();
    }
}
