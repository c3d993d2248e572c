package io.streamaligner.inference.template;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReservedStringsTest {

    private final ReservedStrings reserved = ReservedStrings.of(List.of("<|end|>", "<|end_of_answer|>", "##Q:"));

    @Test
    void shouldLeaveTextWithoutReservedStringsAsItIs() {
        String text = "What is 2 + 3? <|almost| end>";

        assertThat(reserved.neutralize(text)).isSameAs(text);
    }

    @Test
    void shouldBreakEveryOccurrenceAfterItsFirstCharacter() {
        assertThat(reserved.neutralize("a<|end|>b<|end|>##Q:c"))
                .isEqualTo("a<\u200B|end|>b<\u200B|end|>#\u200B#Q:c");
    }

    @Test
    void shouldPreferTheLongestReservedString() {
        assertThat(reserved.neutralize("<|end_of_answer|>")).isEqualTo("<\u200B|end_of_answer|>");
    }

    @Test
    void shouldBreakOverlappingOccurrences() {
        ReservedStrings overlapping = ReservedStrings.of(List.of("abab"));

        String result = overlapping.neutralize("ababab");

        assertThat(result).doesNotContain("abab");
        assertThat(result.replace("\u200B", "")).isEqualTo("ababab");
    }

    @Test
    void shouldIgnoreStringsThatCannotBeBroken() {
        ReservedStrings tiny = ReservedStrings.of(List.of("x", ""));

        assertThat(tiny.strings()).isEmpty();
        assertThat(tiny.neutralize("xx")).isEqualTo("xx");
    }

    @Test
    void shouldAddMoreStrings() {
        assertThat(reserved.plus(List.of("<s>")).neutralize("<s>")).isEqualTo("<\u200Bs>");
    }
}
