package io.streamaligner.inference.onnx;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrefixCacheTest {

    @Test
    void shouldCountTheTokensTwoPromptsShare() {
        assertThat(PrefixCache.commonPrefix(new int[]{1, 2, 3, 4}, new int[]{1, 2, 3, 9, 9})).isEqualTo(3);
        assertThat(PrefixCache.commonPrefix(new int[]{1, 2}, new int[]{1, 2, 3})).isEqualTo(2);
        assertThat(PrefixCache.commonPrefix(new int[]{5}, new int[]{1})).isZero();
        assertThat(PrefixCache.commonPrefix(new int[0], new int[]{1})).isZero();
    }

    @Test
    void shouldGiveTheKeptCacheSharingTheMostLeadingTokensAndKeepIt() throws Exception {
        try (ForwardPassTest.Loaded model = new ForwardPassTest.Loaded("upstream");
             PrefixCache cache = new PrefixCache(1_000, 1, 2)) {
            cache.put(new int[]{1, 2, 3, 4, 5}, rowOf(model, 5));
            cache.put(new int[]{1, 9}, rowOf(model, 2));
            cache.put(new int[]{7, 7, 7}, rowOf(model, 3));

            assertThat(cache.longestMatch(new int[]{1, 2, 3, 4, 7}, 10)).hasValueSatisfying(match -> {
                assertThat(match.sharedTokens()).isEqualTo(4);
                assertThat(match.entry().tokens()).containsExactly(1, 2, 3, 4, 5);
            });
            assertThat(cache.longestMatch(new int[]{1, 2, 3, 4, 7}, 2)).hasValueSatisfying(match ->
                    assertThat(match.sharedTokens()).as("counted up to the cap").isEqualTo(2));
            assertThat(cache.longestMatch(new int[]{8, 9}, 10)).isEmpty();
            assertThat(cache.size()).as("a match stays kept").isEqualTo(3);
        }
    }

    @Test
    void shouldReplaceTheCachesANewOneStartsWith() throws Exception {
        try (ForwardPassTest.Loaded model = new ForwardPassTest.Loaded("upstream");
             PrefixCache cache = new PrefixCache(1_000, 1, 1)) {
            cache.put(new int[]{1, 2, 3}, rowOf(model, 3));
            cache.put(new int[]{1, 2, 9}, rowOf(model, 3));

            cache.put(new int[]{1, 2, 3, 4, 5}, rowOf(model, 5));

            assertThat(cache.size()).isEqualTo(2);
            assertThat(cache.bytes()).isEqualTo(8);
            assertThat(cache.longestMatch(new int[]{1, 2, 3}, 3).orElseThrow().entry().tokens()).hasSize(5);
        }
    }

    @Test
    void shouldEvictTheEldestBeyondItsBytes() throws Exception {
        try (ForwardPassTest.Loaded model = new ForwardPassTest.Loaded("upstream");
             PrefixCache cache = new PrefixCache(10 * 100, 100, 1)) {
            cache.put(new int[]{1, 2, 3, 4}, rowOf(model, 4));
            cache.put(new int[]{5, 6, 7, 8}, rowOf(model, 4));
            assertThat(cache.bytes()).isEqualTo(800);

            cache.put(new int[]{9, 10, 11}, rowOf(model, 3)); // 4 + 4 + 3 > 10 tokens: the first goes

            assertThat(cache.size()).isEqualTo(2);
            assertThat(cache.bytes()).isEqualTo(700);
            assertThat(cache.longestMatch(new int[]{1, 2, 3, 4}, 4)).isEmpty();
        }
    }

    @Test
    void shouldMatchOnlyPromptsSharingTheLeastItReusesAndKeepNothingShorter() throws Exception {
        try (ForwardPassTest.Loaded model = new ForwardPassTest.Loaded("upstream");
             PrefixCache cache = new PrefixCache(1_000, 1, 3)) {
            cache.put(new int[]{1, 2}, rowOf(model, 2));
            cache.put(new int[]{1, 2, 3, 4}, rowOf(model, 4));

            assertThat(cache.size()).as("two tokens: no prompt could resume from them").isEqualTo(1);
            assertThat(cache.longestMatch(new int[]{1, 2, 9, 9}, 10)).as("two shared").isEmpty();
            assertThat(cache.longestMatch(new int[]{1, 2, 3, 9}, 2)).as("at most two counted").isEmpty();
            assertThat(cache.longestMatch(new int[]{1, 2, 3, 9}, 10).orElseThrow().sharedTokens()).isEqualTo(3);
        }
    }

    @Test
    void shouldEvictTheLeastRecentlyMatchedFirstWhateverAPromptWasComparedWith() throws Exception {
        try (ForwardPassTest.Loaded model = new ForwardPassTest.Loaded("upstream");
             PrefixCache cache = new PrefixCache(9 * 100, 100, 1)) {
            cache.put(new int[]{1, 2, 3}, rowOf(model, 3));
            cache.put(new int[]{1, 2, 4}, rowOf(model, 3));
            cache.put(new int[]{1, 9, 9}, rowOf(model, 3));
            // compared with all three (they open alike), matched with the last
            assertThat(cache.longestMatch(new int[]{1, 9, 9, 0}, 4).orElseThrow().entry().tokens())
                    .containsExactly(1, 9, 9);

            cache.put(new int[]{5, 6, 7}, rowOf(model, 3));

            assertThat(cache.size()).isEqualTo(3);
            assertThat(cache.longestMatch(new int[]{1, 2, 3, 0}, 4).orElseThrow().sharedTokens())
                    .as("the eldest, {1, 2, 3}, went").isEqualTo(2);
            assertThat(cache.longestMatch(new int[]{1, 9, 9, 0}, 4)).isPresent();
        }
    }

    @Test
    void shouldNotKeepACacheLargerThanItsBytesNorAnythingWhenDisabled() throws Exception {
        try (ForwardPassTest.Loaded model = new ForwardPassTest.Loaded("upstream");
             PrefixCache small = new PrefixCache(300, 100, 1);
             PrefixCache disabled = new PrefixCache(0, 100, 1)) {
            small.put(tokens(4), rowOf(model, 4));
            disabled.put(tokens(1), rowOf(model, 1));

            assertThat(small.size()).isZero();
            assertThat(small.keeps(3)).isTrue();
            assertThat(small.tooLarge(4)).isTrue();
            assertThat(disabled.tooLarge(4)).as("nothing is kept anyway").isFalse();
            assertThat(disabled.keeps(1)).isFalse();
            assertThat(disabled.size()).isZero();
        }
    }

    @Test
    void shouldRefuseACacheThatIsNotOneRowOfItsTokens() throws Exception {
        try (ForwardPassTest.Loaded model = new ForwardPassTest.Loaded("upstream");
             PrefixCache cache = new PrefixCache(1000, 1, 1)) {
            assertThatThrownBy(() -> cache.put(tokens(5), rowOf(model, 4)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one row");
        }
    }

    private static int[] tokens(int count) {
        int[] tokens = new int[count];
        for (int i = 0; i < count; i++) {
            tokens[i] = 10 + i;
        }
        return tokens;
    }

    /** A real one-row cache of {@code length} columns, as a prefill makes it. */
    private static KvCache rowOf(ForwardPassTest.Loaded model, int length) throws Exception {
        try (KvCache empty = KvCache.empty(model.env, model.forward.signature(), 1)) {
            return model.forward.run(1, length, ForwardPassTest.ids(tokens(length), 0, length), ForwardPassTest.ones(length),
                    ForwardPassTest.range(length), empty);
        }
    }
}
