package io.streamaligner.eval.judge;

import io.streamaligner.eval.ArmAnswer;
import io.streamaligner.eval.ArmName;
import io.streamaligner.eval.EvalAnswers;
import io.streamaligner.eval.EvalItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamVersusUpstreamTest {

    private final List<EvalItem> items = List.of(EvalAnswers.item(1, "3"), EvalAnswers.item(2, "4"), EvalAnswers.item(3, "5"));

    @Test
    void shouldPairTheQuestionsBothArmsAnsweredWithoutError() {
        List<JudgeItem> pairs = StreamVersusUpstream.pairs(items, List.of(
                EvalAnswers.results(ArmName.UPSTREAM, 10, answer("u1"), answer("u2"), answer("u3")),
                EvalAnswers.results(ArmName.STREAM, 10, answer("s1"), ArmAnswer.failed(5, "timed out"), answer("s3"))));

        assertThat(pairs).extracting(JudgeItem::lineNumber, JudgeItem::streamAnswer, JudgeItem::upstreamAnswer)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "s1", "u1"),
                        org.assertj.core.groups.Tuple.tuple(3, "s3", "u3"));
    }

    @Test
    void shouldNeedBothArms() {
        assertThatThrownBy(() -> StreamVersusUpstream.pairs(items,
                List.of(EvalAnswers.results(ArmName.UPSTREAM, 10, answer("u1"), answer("u2"), answer("u3")))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stream");
    }

    @Test
    void shouldJudgeEveryDimensionAndResumeFromTheCache(@TempDir Path dir) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        JudgeModel alwaysFirst = (system, user) -> {
            calls.incrementAndGet();
            return "[[A]]";
        };
        StreamVersusUpstream judge = new StreamVersusUpstream(alwaysFirst, "judge-1", dir.resolve("cache.jsonl"), 2);
        List<JudgeItem> pairs = List.of(new JudgeItem(1, "q", "stream", "upstream"));
        AtomicInteger cachedBefore = new AtomicInteger(-1);

        JudgeResults first = judge.judge(pairs, cachedBefore::set, () -> { });
        int callsOfFirstRun = calls.get();
        JudgeResults second = judge.judge(pairs, cachedBefore::set, () -> { });

        assertThat(callsOfFirstRun).isEqualTo(2 * JudgeDimension.values().length);
        assertThat(calls.get()).as("the second run reads the cache").isEqualTo(callsOfFirstRun);
        assertThat(cachedBefore.get()).isEqualTo(JudgeDimension.values().length);
        assertThat(second.winRates()).isEqualTo(first.winRates());
    }

    private static ArmAnswer answer(String text) {
        return EvalAnswers.answer(text, List.of(), 1, 2, 1);
    }
}
