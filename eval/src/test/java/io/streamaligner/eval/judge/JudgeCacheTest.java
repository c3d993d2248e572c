package io.streamaligner.eval.judge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JudgeCacheTest {

    private static final JudgedPair PAIR = new JudgedPair("key-1", 4, JudgeDimension.HELPFULNESS, Verdict.A, Verdict.TIE,
            "A is right.\nVERDICT: [[A]]", "VERDICT: [[TIE]]");

    @Test
    void shouldFindWhatAnEarlierRunWrote(@TempDir Path dir) {
        Path file = dir.resolve("cache/judge-cache.jsonl");
        try (JudgeCache cache = JudgeCache.open(file)) {
            cache.put(PAIR);
        }

        try (JudgeCache reopened = JudgeCache.open(file)) {
            assertThat(reopened.get("key-1")).contains(PAIR);
            assertThat(reopened.get("key-2")).isEmpty();
            assertThat(reopened.size()).isEqualTo(1);
        }
    }

    @Test
    void shouldSkipALineCutOffByAnInterruptedWriteAndKeepAppending(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("judge-cache.jsonl");
        try (JudgeCache cache = JudgeCache.open(file)) {
            cache.put(PAIR);
        }
        Files.writeString(file, "{\"key\": \"key-2\", \"line\": 5, \"dimen", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        JudgedPair next = new JudgedPair("key-3", 6, JudgeDimension.HARMLESSNESS, Verdict.B, Verdict.A, "[[B]]", "[[A]]");

        try (JudgeCache cache = JudgeCache.open(file)) {
            assertThat(cache.unreadableLines()).isEqualTo(1);
            cache.put(next);
        }

        try (JudgeCache reopened = JudgeCache.open(file)) {
            assertThat(reopened.get("key-1")).contains(PAIR);
            assertThat(reopened.get("key-3")).contains(next);
            assertThat(reopened.unreadableLines()).isEqualTo(1);
        }
    }

    @Test
    void shouldKeyOnEverythingThatDecidesTheVerdict() {
        String key = JudgeCache.key("judge", JudgeDimension.HELPFULNESS, "Q?", "stream", "upstream");

        assertThat(JudgeCache.key("judge", JudgeDimension.HELPFULNESS, "Q?", "stream", "upstream")).isEqualTo(key);
        assertThat(JudgeCache.key("other", JudgeDimension.HELPFULNESS, "Q?", "stream", "upstream")).isNotEqualTo(key);
        assertThat(JudgeCache.key("judge", JudgeDimension.HARMLESSNESS, "Q?", "stream", "upstream")).isNotEqualTo(key);
        assertThat(JudgeCache.key("judge", JudgeDimension.HELPFULNESS, "Q?", "stream!", "upstream")).isNotEqualTo(key);
        assertThat(JudgeCache.key("judge", JudgeDimension.HELPFULNESS, "Q?", "upstream", "stream")).isNotEqualTo(key);
        // parts are delimited: moving text from one part to the next changes the key
        assertThat(JudgeCache.key("judge", JudgeDimension.HELPFULNESS, "Q?s", "tream", "upstream")).isNotEqualTo(key);
    }
}
