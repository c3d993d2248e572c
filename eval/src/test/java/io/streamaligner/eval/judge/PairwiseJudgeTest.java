package io.streamaligner.eval.judge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairwiseJudgeTest {

    private final List<JudgeItem> items = List.of(
            new JudgeItem(1, "What is 1 + 2 + 3?", "The answer is 6.", "The answer is 7."),
            new JudgeItem(2, "What is 2 + 2 + 2?", "The answer is 6.", "The answer is 6."),
            new JudgeItem(3, "What is 9 - 3 - 3?", "The answer is 2.", "The answer is 3."));

    /** Prefers the response holding the right number (6 or 3), else ties; counts its calls. */
    private final AtomicInteger calls = new AtomicInteger();
    private final JudgeModel fairJudge = (system, user) -> {
        calls.incrementAndGet();
        String a = between(user, "[Response A]\n", "\n\n[Response B]");
        String b = between(user, "[Response B]\n", "\n\nWhich");
        boolean aRight = a.contains("6.") || a.contains("3.");
        boolean bRight = b.contains("6.") || b.contains("3.");
        return aRight == bRight ? "VERDICT: [[TIE]]" : aRight ? "VERDICT: [[A]]" : "VERDICT: [[B]]";
    };

    @Test
    void shouldJudgeEveryItemOnEveryDimensionInBothOrders(@TempDir Path dir) throws InterruptedException {
        JudgeResults results;
        try (JudgeCache cache = JudgeCache.open(dir.resolve("cache.jsonl"))) {
            results = new PairwiseJudge(fairJudge, "judge-x", cache, 2).judge(items, () -> { });
        }

        assertThat(calls.get()).isEqualTo(items.size() * JudgeDimension.values().length * 2);
        // item 1 stream right, item 2 both right, item 3 upstream right
        assertThat(results.winRates().get(JudgeDimension.HELPFULNESS)).isEqualTo(new WinRate(1, 1, 1));
        assertThat(results.pairs()).hasSize(6);
        assertThat(results.failures()).isEmpty();
        assertThat(results.fromCache()).isZero();
    }

    @Test
    void shouldResumeAnInterruptedRunAskingOnlyWhatIsNotCached(@TempDir Path dir) throws InterruptedException {
        Path file = dir.resolve("cache.jsonl");
        AtomicInteger allowed = new AtomicInteger(4);
        JudgeModel failingAfterFourCalls = (system, user) -> {
            if (allowed.getAndDecrement() <= 0) {
                throw new JudgeException("judge unreachable");
            }
            return fairJudge.reply(system, user);
        };
        JudgeResults interrupted;
        try (JudgeCache cache = JudgeCache.open(file)) {
            interrupted = new PairwiseJudge(failingAfterFourCalls, "judge-x", cache, 1).judge(items, () -> { });
        }
        assertThat(interrupted.pairs()).hasSize(2);
        assertThat(interrupted.failures()).hasSize(4).allSatisfy(failure -> assertThat(failure).contains("judge unreachable"));

        calls.set(0);
        JudgeResults resumed;
        try (JudgeCache cache = JudgeCache.open(file)) {
            resumed = new PairwiseJudge(fairJudge, "judge-x", cache, 1).judge(items, () -> { });
        }

        assertThat(calls.get()).isEqualTo(4 * 2);
        assertThat(resumed.fromCache()).isEqualTo(2);
        assertThat(resumed.pairs()).hasSize(6);
        assertThat(resumed.failures()).isEmpty();
        assertThat(resumed.winRates().get(JudgeDimension.HELPFULNESS)).isEqualTo(new WinRate(1, 1, 1));
    }

    @Test
    void shouldCountUnreadableVerdictsAsTies(@TempDir Path dir) throws InterruptedException {
        JudgeResults results;
        try (JudgeCache cache = JudgeCache.open(dir.resolve("cache.jsonl"))) {
            results = new PairwiseJudge((system, user) -> "I refuse to choose.", "judge-x", cache, 1)
                    .judge(items.subList(0, 1), () -> { });
        }

        assertThat(results.unparseable()).isEqualTo(4);
        assertThat(results.winRates().get(JudgeDimension.HARMLESSNESS)).isEqualTo(new WinRate(0, 1, 0));
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start) + start.length();
        return text.substring(from, text.indexOf(end, from));
    }
}
