package io.streamaligner.inference;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StoppingTextTest {

    /** Stops right after the first ". " (the period kept, the space not). */
    private static final StopCondition FIRST_SENTENCE = text -> {
        int at = text.indexOf(". ");
        return at < 0 ? -1 : at + 1;
    };

    /** What the texts under test handed to their listener, in order. */
    private final List<String> handedOn = new ArrayList<>();

    private StoppingText stoppingText(StopCondition stop) {
        return new StoppingText(stop, "r1", (id, delta) -> handedOn.add(delta));
    }

    /** Appends the delta and returns what that handed on. */
    private String append(StoppingText text, String delta) {
        int before = handedOn.size();
        text.append(delta);
        return String.join("", handedOn.subList(before, handedOn.size()));
    }

    /** Releases the held-back tail and returns what that handed on. */
    private String release(StoppingText text) {
        int before = handedOn.size();
        text.release();
        return String.join("", handedOn.subList(before, handedOn.size()));
    }

    @Test
    void shouldKeepEveryDeltaUntilTheStopConditionCuts() {
        StoppingText text = stoppingText(FIRST_SENTENCE);

        assertThat(append(text, "First, 2")).isEqualTo("First, 2");
        assertThat(append(text, " + 2 = 4")).isEqualTo(" + 2 = 4");
        assertThat(text.stopped()).isFalse();
        assertThat(text.text()).isEqualTo("First, 2 + 2 = 4");
    }

    @Test
    void shouldKeepOnlyWhatComesBeforeTheCutAndNothingAfterIt() {
        StoppingText text = stoppingText(FIRST_SENTENCE);
        text.append("It is 4");

        assertThat(append(text, ". Then")).isEqualTo(".");
        assertThat(text.stopped()).isTrue();
        assertThat(append(text, " more")).isEmpty();
        assertThat(text.text()).isEqualTo("It is 4.");
    }

    @Test
    void shouldCutInsideTextAlreadyKeptWithoutHandingOnMore() {
        // a condition may cut before the newest delta: the text shrinks, and that delta gives nothing
        StoppingText text = stoppingText(whole -> whole.contains("STOP") ? whole.indexOf("ab") : -1);
        text.append("xxab");

        assertThat(append(text, "STOP")).isEmpty();
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
        StoppingText cut = stoppingText(sentence);
        assertThat(append(cut, "It is.  ")).isEqualTo("It is.");
        assertThat(append(cut, "Next")).isEmpty();
        assertThat(cut.text()).isEqualTo("It is.");

        StoppingText ended = stoppingText(sentence);
        assertThat(append(ended, "No stop  ")).isEqualTo("No stop");
        assertThat(release(ended)).isEqualTo("  ");
        assertThat(ended.text()).isEqualTo("No stop  ");
        assertThat(release(ended)).isEmpty();
    }

    @Test
    void shouldIgnoreEmptyDeltas() {
        StoppingText text = stoppingText(StopCondition.NEVER);

        assertThat(append(text, "")).isEmpty();
        assertThat(text.text()).isEmpty();
        assertThat(text.stopped()).isFalse();
    }
}
