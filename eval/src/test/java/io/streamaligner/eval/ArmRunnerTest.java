package io.streamaligner.eval;

import static io.streamaligner.eval.EvalAnswers.item;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.inference.model.GenerationDefaults;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ArmRunnerTest {

    private final List<EvalItem> items = List.of(item(1, "1"), item(2, "2"), item(3, "3"), item(4, "4"), item(5, "5"), item(6, "6"));

    @Test
    void shouldRecordAQuestionTheArmFailsOnAndGoOn() throws InterruptedException {
        EvalArm arm = arm((requestId, question, sampling) -> {
            if (question.contains("question 3")) {
                throw new IllegalStateException("model crashed");
            }
            return echo(question);
        });

        ArmResults results = new ArmRunner(3, this::sampling).run(arm, items, "run", () -> { });

        assertThat(results.answers()).hasSize(6);
        assertThat(results.answers().get(2).error()).contains("IllegalStateException: model crashed");
        assertThat(results.answers()).extracting(ArmAnswer::answer)
                .containsExactly("What is question 1?", "What is question 2?", "", "What is question 4?",
                        "What is question 5?", "What is question 6?");
    }

    @Test
    void shouldKeepNoMoreThanTheConcurrencyInFlight() throws InterruptedException {
        int concurrency = 2;
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        CountDownLatch overlapping = new CountDownLatch(concurrency);
        EvalArm arm = arm((requestId, question, sampling) -> {
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            overlapping.countDown();
            // the first answers wait for each other, so the bound is reached rather than missed by luck
            overlapping.await(30, TimeUnit.SECONDS);
            inFlight.decrementAndGet();
            return echo(question);
        });

        new ArmRunner(concurrency, this::sampling).run(arm, items, "run", () -> { });

        assertThat(mostInFlight.get()).isEqualTo(concurrency);
    }

    @Test
    void shouldGiveEveryQuestionItsOwnSamplingAndRequestIdAndReportProgress() throws InterruptedException {
        Map<String, Long> seedsByRequest = new ConcurrentHashMap<>();
        EvalArm arm = arm((requestId, question, sampling) -> {
            seedsByRequest.put(requestId, sampling.params().getSeed());
            return echo(question);
        });
        AtomicInteger progress = new AtomicInteger();

        new ArmRunner(4, this::sampling).run(arm, items, "run7", progress::incrementAndGet);

        assertThat(seedsByRequest).hasSize(6).containsEntry("run7-stream-1", 1001L).containsEntry("run7-stream-6", 1006L);
        assertThat(progress.get()).isEqualTo(6);
    }

    private QuestionSampling sampling(EvalItem item) {
        return QuestionSampling.recommended(GenerationDefaults.HUGGINGFACE, 1000 + item.lineNumber());
    }

    private static ArmAnswer echo(String question) {
        return new ArmAnswer(question, List.of(), 1, OptionalLong.of(1), List.of(1L), 2, "UPSTREAM_END", Optional.empty());
    }

    private static EvalArm arm(Answering answering) {
        return new EvalArm() {
            @Override
            public ArmName name() {
                return ArmName.STREAM;
            }

            @Override
            public ArmAnswer answer(String requestId, String question, QuestionSampling sampling) throws Exception {
                return answering.answer(requestId, question, sampling);
            }
        };
    }

    @FunctionalInterface
    private interface Answering {
        ArmAnswer answer(String requestId, String question, QuestionSampling sampling) throws Exception;
    }
}
