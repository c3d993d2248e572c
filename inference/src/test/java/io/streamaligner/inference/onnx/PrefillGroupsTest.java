package io.streamaligner.inference.onnx;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PrefillGroupsTest {

    @Test
    void shouldPrefillSimilarLengthsTogether() {
        List<int[]> groups = PrefillGroups.split(new int[]{12, 10, 11, 12});

        assertThat(groups).hasSize(1);
        assertThat(groups.get(0)).containsExactly(1, 2, 0, 3);
    }

    @Test
    void shouldPrefillVeryDifferentLengthsApart() {
        List<int[]> groups = PrefillGroups.split(new int[]{8, 80, 10, 79, 9});

        assertThat(groups).hasSize(2);
        assertThat(groups.get(0)).containsExactly(0, 4, 2);
        assertThat(groups.get(1)).containsExactly(3, 1);
    }

    @Test
    void shouldCoverEveryPromptOnce() {
        int[] lengths = {5, 300, 7, 64, 65, 3, 120, 1};

        List<int[]> groups = PrefillGroups.split(lengths);

        assertThat(groups.stream().flatMapToInt(java.util.Arrays::stream).sorted().toArray())
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void shouldHandleASinglePrompt() {
        assertThat(PrefillGroups.split(new int[]{42})).singleElement().satisfies(g -> assertThat(g).containsExactly(0));
    }
}
