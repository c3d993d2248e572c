package io.streamaligner.inference.onnx;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.SamplingParams;
import io.streamaligner.inference.StopCondition;
import io.streamaligner.inference.TestModels;
import io.streamaligner.inference.model.ModelFolder;
import io.streamaligner.inference.template.ChatTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class BatchSchedulerTest {

    private static final ChatTemplate TOY = ChatTemplate.named("toy");

    private static String prompt(String question) {
        return TOY.upstreamPrompt("", question, "");
    }

    /** Prompts of quite different lengths, and lengths that make the rows finish at different steps. */
    private static List<CompletionRequest> raggedRequests() {
        return List.of(
                CompletionRequest.greedy("a", prompt("What is 7 + 5?"), 3).withMinNewTokens(3),
                CompletionRequest.greedy("b", prompt("Tom has 14 apples and buys 9 more. How many now?"), 9),
                CompletionRequest.greedy("c", prompt("What is 120 + 345 - 17?"), 17).withMinNewTokens(17),
                CompletionRequest.greedy("d", prompt("A box holds 25 pens; Sara takes 8 and adds 13. Pens?"), 25)
                        .withMinNewTokens(25),
                CompletionRequest.greedy("e", prompt("2 + 2?"), 40).withMinNewTokens(40));
    }

    @ParameterizedTest
    @CsvSource({"upstream", TestModels.NO_POSITION_IDS, TestModels.FP16_CACHE})
    void shouldGenerateRaggedBatchesLikeOneAtATime(String name) throws Exception {
        try (Harness engine = new Harness(name, 8)) {
            List<Completion> alone = new ArrayList<>();
            for (CompletionRequest request : raggedRequests()) {
                alone.addAll(engine.run(List.of(request)));
            }

            long generatedBefore = engine.scheduler.statistics().generatedTokens();
            List<Completion> together = engine.run(raggedRequests());

            assertSameOutput(together, alone);
            assertThat(together).extracting(Completion::generatedTokens).contains(3, 17, 25, 40);
            assertThat(engine.scheduler.statistics().generatedTokens() - generatedBefore)
                    .isEqualTo(together.stream().mapToLong(Completion::generatedTokens).sum());
        }
    }

    @ParameterizedTest
    @CsvSource({"upstream", TestModels.NO_POSITION_IDS, TestModels.FP16_CACHE})
    void shouldGenerateLikeOneAtATimeWhenSequencesJoinMidBatch(String name) throws Exception {
        try (Harness engine = new Harness(name, 8)) {
            CompletionRequest first = CompletionRequest.greedy("first", prompt("What is 12 + 30 - 7?"), 40)
                    .withMinNewTokens(40);
            List<CompletionRequest> second = List.of(
                    CompletionRequest.greedy("second", prompt("Tom has 14 apples and buys 9 more. How many?"), 12),
                    CompletionRequest.greedy("third", prompt("1 + 1?"), 30).withMinNewTokens(30));
            CompletionRequest late = CompletionRequest.greedy("late", prompt("What is 99 - 45 + 3?"), 8)
                    .withMinNewTokens(8);
            List<Completion> alone = new ArrayList<>(engine.run(List.of(first)));
            for (CompletionRequest request : second) {
                alone.addAll(engine.run(List.of(request)));
            }
            alone.addAll(engine.run(List.of(late)));

            // the first request's listener runs on the engine thread between steps: while it waits for the
            // others to be queued, no step runs, so they join the running batch at the next step boundary
            AtomicInteger deltas = new AtomicInteger();
            List<CompletableFuture<List<Completion>>> joiners = new ArrayList<>();
            DeltaListener joinMidway = (id, delta) -> {
                int count = deltas.incrementAndGet();
                if (count == 1) {
                    joiners.add(CompletableFuture.supplyAsync(() -> engine.run(second)));
                    engine.awaitWaiting(2);
                } else if (count == 10) {
                    joiners.add(CompletableFuture.supplyAsync(() -> engine.run(List.of(late))));
                    engine.awaitWaiting(1);
                }
            };
            List<Completion> together = new ArrayList<>(engine.run(List.of(first), joinMidway));
            for (CompletableFuture<List<Completion>> joiner : joiners) {
                together.addAll(joiner.get());
            }

            assertThat(deltas.get()).as("the first request streamed past its tenth delta").isGreaterThan(10);
            assertSameOutput(together, alone);
        }
    }

    @Test
    void shouldSampleTheSameWithTheSameSeedWhateverShareTheBatch() throws Exception {
        try (Harness engine = new Harness("upstream", 8)) {
            CompletionRequest sampled = new CompletionRequest("s", prompt("What is 12 + 30 - 7?"),
                    new SamplingParams(1.0, 40, 0.95, 0.2, 1.1, 2024), 30, StopCondition.NEVER);

            Completion alone = engine.run(List.of(sampled)).get(0);
            List<Completion> shared = engine.run(List.of(raggedRequests().get(3), sampled, raggedRequests().get(4)));
            // a trained model can be confident enough that one other seed writes the same text; eight cannot all
            List<String> otherSeeds = new ArrayList<>();
            for (long seed = 2025; seed < 2033; seed++) {
                otherSeeds.add(engine.run(List.of(new CompletionRequest("s", sampled.prompt(),
                        sampled.sampling().withSeed(seed), 30, StopCondition.NEVER))).get(0).text());
            }

            assertThat(shared.get(1).text()).isEqualTo(alone.text());
            assertThat(otherSeeds).as("texts drawn with other seeds").anyMatch(text -> !text.equals(alone.text()));
        }
    }

    @Test
    void shouldQueueWhatDoesNotFitTheBatch() throws Exception {
        try (Harness small = new Harness("upstream", 2)) {
            List<Completion> alone = new ArrayList<>();
            for (CompletionRequest request : raggedRequests()) {
                alone.addAll(small.run(List.of(request)));
            }

            assertSameOutput(small.run(raggedRequests()), alone);
        }
    }

    @Test
    void shouldFailASequenceCancelledWhileRunning() throws Exception {
        try (Harness engine = new Harness("upstream", 8)) {
            CompletionRequest request = CompletionRequest.greedy("c", prompt("What is 2 + 2?"), 50).withMinNewTokens(50);
            List<DecodingSequence> holder = new ArrayList<>();
            DecodingSequence sequence = engine.sequence(request, (id, delta) -> holder.get(0).cancel());
            holder.add(sequence);

            engine.scheduler.submit(List.of(sequence));

            assertThat(sequence.result()).failsWithin(Duration.ofMinutes(1))
                    .withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(GenerationException.class).withMessageContaining("cancelled");
        }
    }

    @Test
    void shouldFailTheStepsRequestsAndGoOnWhenAStepRunsOutOfMemory() throws Exception {
        try (Harness engine = new Harness("upstream", 8)) {
            // the listener stands in for whatever the step allocates when the heap is full
            DecodingSequence starved = engine.sequence(CompletionRequest.greedy("starved", prompt("What is 2 + 2?"), 20),
                    (id, delta) -> {
                        throw new OutOfMemoryError("Java heap space");
                    });
            engine.scheduler.submit(List.of(starved));

            assertThat(starved.result()).failsWithin(Duration.ofMinutes(1))
                    .withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(GenerationException.class)
                    .withMessageContaining("OutOfMemoryError: Java heap space");
            CompletionRequest next = CompletionRequest.greedy("next", prompt("What is 3 + 4?"), 6);
            try (Harness fresh = new Harness("upstream", 8)) {
                assertSameOutput(engine.run(List.of(next)), fresh.run(List.of(next)));
            }
        }
    }

    @Test
    void shouldStopAndFailEveryRequestSayingWhyAfterAnErrorItCannotGoOnAfter() throws Exception {
        try (Harness engine = new Harness("upstream", 8)) {
            DecodingSequence broken = engine.sequence(CompletionRequest.greedy("broken", prompt("What is 2 + 2?"), 20),
                    (id, delta) -> {
                        throw new InternalError("a broken listener");
                    });
            engine.scheduler.submit(List.of(broken));
            assertThat(broken.result()).failsWithin(Duration.ofMinutes(1))
                    .withThrowableOfType(ExecutionException.class)
                    .havingCause().withMessageContaining("the engine stopped after an error")
                    .withMessageContaining("InternalError: a broken listener");

            DecodingSequence later = engine.sequence(CompletionRequest.greedy("later", prompt("What is 3 + 4?"), 5),
                    DeltaListener.NONE);
            engine.scheduler.submit(List.of(later));

            assertThat(later.result()).failsWithin(Duration.ZERO)
                    .withThrowableOfType(ExecutionException.class)
                    .havingCause().withMessageContaining("the engine stopped after an error")
                    .withMessageContaining("a broken listener");
        }
    }

    @Test
    void shouldKeepACancelledSequencesCacheForTheNextRoundOfItsConversation() throws Exception {
        String question = "A box holds 25 pens; Sara takes 8 and adds 13. How many pens are in the box now?";
        CompletionRequest first = CompletionRequest.greedy("r0", prompt(question), 40).withMinNewTokens(40);
        try (Harness engine = new Harness("upstream", 8, 1L << 24)) {
            // as a client that disconnects once it has its sentence: cancelled after its sixth delta
            StringBuilder streamed = new StringBuilder();
            List<DecodingSequence> holder = new ArrayList<>();
            int[] deltas = {0};
            DecodingSequence cut = engine.sequence(first, (id, delta) -> {
                streamed.append(delta);
                if (++deltas[0] == 6) {
                    holder.get(0).cancel();
                }
            });
            holder.add(cut);
            engine.scheduler.submit(List.of(cut));
            assertThat(cut.result()).failsWithin(Duration.ofMinutes(1));
            CompletionRequest next = CompletionRequest.greedy("r1",
                    TOY.upstreamPrompt("", question, streamed.toString().strip()), 8);
            int promptTokens = engine.model.tokenizer.encode(first.prompt()).length;
            long reusedBefore = engine.scheduler.statistics().reusedPromptTokens();

            Completion resumed = engine.run(List.of(next)).get(0);

            assertThat(engine.scheduler.statistics().reusedPromptTokens() - reusedBefore)
                    .as("the next round resumes from the cancelled round's cache, past its prompt")
                    .isGreaterThanOrEqualTo(promptTokens);
            try (Harness fresh = new Harness("upstream", 8, 0)) {
                assertSameOutput(List.of(resumed), fresh.run(List.of(next)));
            }
        }
    }

    @Test
    void shouldFailSequencesSubmittedAfterClose() throws Exception {
        Harness engine = new Harness("upstream", 8);
        DecodingSequence sequence = engine.sequence(CompletionRequest.greedy("x", prompt("1 + 1?"), 5),
                DeltaListener.NONE);
        engine.close();

        engine.scheduler.submit(List.of(sequence));

        assertThat(sequence.result()).failsWithin(Duration.ZERO)
                .withThrowableOfType(ExecutionException.class)
                .havingCause().withMessageContaining("closed");
    }

    /** Two rounds of three conversations, the second round's prompts grown by each first round's text, as the loop's. */
    private static List<List<CompletionRequest>> conversationRounds(Harness engine) {
        List<String> questions = List.of("What is 12 + 30 - 7?", "Tom has 14 apples and buys 9 more. How many now?",
                "What is 120 + 345 - 17?");
        List<CompletionRequest> first = new ArrayList<>();
        for (int i = 0; i < questions.size(); i++) {
            first.add(CompletionRequest.greedy("c" + i, prompt(questions.get(i)), 6 + 3 * i));
        }
        List<Completion> written = engine.run(first);
        List<CompletionRequest> second = new ArrayList<>();
        for (int i = 0; i < questions.size(); i++) {
            String grown = TOY.upstreamPrompt("", questions.get(i), written.get(i).text().strip());
            second.add(CompletionRequest.greedy("c" + i, grown, 12).withMinNewTokens(12));
        }
        return List.of(first, second);
    }

    @ParameterizedTest
    @CsvSource({"upstream", TestModels.NO_POSITION_IDS, TestModels.FP16_CACHE})
    void shouldResumeAConversationFromItsKeptCacheAndWriteWhatAFullPrefillWrites(String name) throws Exception {
        List<Completion> full;
        List<CompletionRequest> secondRound;
        try (Harness withoutReuse = new Harness(name, 8, 0)) {
            secondRound = conversationRounds(withoutReuse).get(1);
            full = withoutReuse.run(secondRound);
            assertThat(withoutReuse.scheduler.statistics().reusedPromptTokens()).isZero();
        }
        try (Harness withReuse = new Harness(name, 8, 1L << 24)) {
            assertThat(conversationRounds(withReuse).get(1)).isEqualTo(secondRound);
            long prefilledBefore = withReuse.scheduler.statistics().prefilledTokens();

            List<Completion> resumed = withReuse.run(secondRound);

            assertSameOutput(resumed, full);
            EngineStatistics statistics = withReuse.scheduler.statistics();
            int promptTokens = secondRound.stream().mapToInt(r -> withReuse.model.tokenizer.encode(r.prompt()).length).sum();
            assertThat(statistics.reusedPromptTokens()).as("prompt tokens the kept caches held").isPositive();
            assertThat(statistics.prefilledTokens() - prefilledBefore + statistics.reusedPromptTokens())
                    .as("every prompt token either prefilled or reused").isEqualTo(promptTokens);
        }
    }

    @Test
    void shouldResumeRowsOfVeryDifferentRestsEachOnAllItsKeptTokens() throws Exception {
        // one conversation grows by a short sentence, the other by a long one: one pass for both would run the long
        // rest for each row, re-running most of the short one's kept tokens (or prefilling it in full)
        List<String> questions = List.of("What is 12 + 30 - 7?", "Tom has 14 apples and buys 9 more. How many now?");
        List<String> grownBy = List.of("", " Then he gives 3 apples to each of his 4 friends and keeps the rest of the"
                + " apples in a big basket by the door.");
        List<Completion> full;
        try (Harness withoutReuse = new Harness("upstream", 8, 0)) {
            full = withoutReuse.run(grownConversations(withoutReuse, questions, grownBy, List.of(0, 1)));
        }
        long[] reusedAlone = new long[questions.size()];
        for (int i = 0; i < questions.size(); i++) {
            try (Harness alone = new Harness("upstream", 8, 1L << 24)) {
                List<CompletionRequest> second = grownConversations(alone, questions, grownBy, List.of(i));
                long before = alone.scheduler.statistics().reusedPromptTokens();
                alone.run(second);
                reusedAlone[i] = alone.scheduler.statistics().reusedPromptTokens() - before;
            }
        }
        try (Harness together = new Harness("upstream", 8, 1L << 24)) {
            List<CompletionRequest> second = grownConversations(together, questions, grownBy, List.of(0, 1));
            long before = together.scheduler.statistics().reusedPromptTokens();

            List<Completion> resumed = together.run(second);

            assertSameOutput(resumed, full);
            assertThat(reusedAlone[0]).as("the short rest's row, alone").isPositive();
            assertThat(reusedAlone[1]).as("the long rest's row, alone").isPositive();
            assertThat(together.scheduler.statistics().reusedPromptTokens() - before)
                    .as("each row reuses what it reuses alone").isEqualTo(reusedAlone[0] + reusedAlone[1]);
        }
    }

    /**
     * Runs the conversations' first rounds on {@code engine}; returns the second-round requests of those {@code chosen},
     * each prompt grown by its first round's text and its {@code grownBy} text.
     */
    private static List<CompletionRequest> grownConversations(Harness engine, List<String> questions,
                                                              List<String> grownBy, List<Integer> chosen) {
        List<CompletionRequest> first = new ArrayList<>();
        for (int i = 0; i < questions.size(); i++) {
            first.add(CompletionRequest.greedy("c" + i, prompt(questions.get(i)), 8));
        }
        List<Completion> written = engine.run(first);
        List<CompletionRequest> second = new ArrayList<>();
        for (int i : chosen) {
            String prefix = written.get(i).text().strip() + grownBy.get(i);
            second.add(CompletionRequest.greedy("c" + i, TOY.upstreamPrompt("", questions.get(i), prefix), 6)
                    .withMinNewTokens(6));
        }
        return second;
    }

    @Test
    void shouldPrefillInFullAPromptThatSharesTooLittleWithEveryKeptCache() throws Exception {
        try (Harness engine = new Harness("upstream", 8, 1L << 24)) {
            engine.run(List.of(CompletionRequest.greedy("k", prompt("What is 12 + 30 - 7?"), 8)));

            Completion unrelated = engine.run(List.of(CompletionRequest.greedy("u", "Sentence", 4))).get(0);

            assertThat(unrelated.generatedTokens()).isEqualTo(4);
            assertThat(engine.scheduler.statistics().reusedPromptTokens()).isZero();
        }
    }

    @Test
    void shouldResumeTheSamePromptTwiceFromOneKeptCache() throws Exception {
        try (Harness engine = new Harness("upstream", 8, 1L << 24)) {
            CompletionRequest request = CompletionRequest.greedy("k",
                    prompt("A box holds 25 pens; Sara takes 8 and adds 13. How many pens are in the box now?"), 8);
            int promptTokens = engine.model.tokenizer.encode(request.prompt()).length;
            assertThat(promptTokens).isGreaterThan(BatchScheduler.MIN_REUSED_TOKENS + 1);
            Completion first = engine.run(List.of(request)).get(0);
            long passesBefore = engine.scheduler.statistics().prefillPasses();

            List<Completion> again = engine.run(List.of(request, request));

            assertSameOutput(again.subList(0, 1), List.of(first));
            assertThat(again.get(1).text()).isEqualTo(first.text());
            // both resumed from the first's cache, which stays kept (all but the prompt's last token each)
            assertThat(engine.scheduler.statistics().reusedPromptTokens()).isEqualTo(2L * (promptTokens - 1));
            assertThat(engine.scheduler.statistics().prefillPasses()).as("the last prompt tokens ran in decode steps")
                    .isEqualTo(passesBefore);
        }
    }

    @ParameterizedTest
    @CsvSource({"upstream", TestModels.NO_POSITION_IDS, TestModels.FP16_CACHE})
    void shouldRunAPromptWhoseKeptCacheHoldsAllButItsLastTokenInTheDecodeStepBesideOtherRows(String name)
            throws Exception {
        // the loop's common case (a round's prompt is the last round's and the sentence it wrote, which the kept cache
        // holds); here the same prompt again, which a kept cache holds whatever the fixture writes: it joins the batch
        // beside a fresh prompt's pass and a row already decoding
        CompletionRequest running = CompletionRequest.greedy("r", prompt("2 + 2?"), 30).withMinNewTokens(30);
        CompletionRequest fresh = CompletionRequest.greedy("f", prompt("Tom has 14 apples and buys 9 more. How many?"), 9);
        String question = "A box holds 25 pens; Sara takes 8 and adds 13. How many pens are in the box now?";
        CompletionRequest opening = CompletionRequest.greedy("c", prompt(question), 6).withMinNewTokens(6);
        CompletionRequest nextRound = CompletionRequest.greedy("n", prompt(question), 8).withMinNewTokens(8);
        List<Completion> alone = new ArrayList<>();
        try (Harness withoutReuse = new Harness(name, 8, 0)) {
            for (CompletionRequest request : List.of(running, fresh, nextRound)) {
                alone.addAll(withoutReuse.run(List.of(request)));
            }
        }
        try (Harness withReuse = new Harness(name, 8, 1L << 24)) {
            withReuse.run(List.of(opening));
            int[] nextRoundIds = withReuse.model.tokenizer.encode(nextRound.prompt());
            CountDownLatch decoding = new CountDownLatch(1);
            DecodingSequence longRow = withReuse.sequence(running, (id, delta) -> decoding.countDown());
            withReuse.scheduler.submit(List.of(longRow));
            assertThat(decoding.await(30, TimeUnit.SECONDS)).isTrue();
            EngineStatistics before = withReuse.scheduler.statistics();

            List<Completion> joined = withReuse.run(List.of(fresh, nextRound));

            EngineStatistics after = withReuse.scheduler.statistics();
            assertSameOutput(List.of(longRow.result().join(), joined.get(0), joined.get(1)), alone);
            assertThat(after.reusedPromptTokens() - before.reusedPromptTokens()).as("all of the round's prompt but one")
                    .isEqualTo(nextRoundIds.length - 1);
            assertThat(after.prefillPasses() - before.prefillPasses()).as("the fresh prompt's pass only").isEqualTo(1);
        }
    }

    @ParameterizedTest
    @CsvSource({"upstream", TestModels.NO_POSITION_IDS, TestModels.FP16_CACHE})
    void shouldResumePromptsFromTheCacheOfARowThatStillRuns(String name) throws Exception {
        // a client that cut its stream is back with the next round's prompt before the server has noticed it left:
        // the row that holds the prompt's start still runs, left-padded beside a longer one, and nothing is kept yet
        String question = "A box holds 25 pens; Sara takes 8 and adds 13. How many pens are in the box now?";
        CompletionRequest running = CompletionRequest.greedy("r", prompt(question), 40).withMinNewTokens(40);
        CompletionRequest longer = CompletionRequest.greedy("l",
                prompt(question + " Then she gives away 5 pens and buys 20 more. How many pens?"), 40)
                .withMinNewTokens(40);
        CompletionRequest samePrompt = CompletionRequest.greedy("s", prompt(question), 8).withMinNewTokens(8);
        CompletionRequest grown = CompletionRequest.greedy("g",
                TOY.upstreamPrompt("", question, "She has 30 pens."), 8).withMinNewTokens(8);
        List<Completion> alone = new ArrayList<>();
        try (Harness withoutReuse = new Harness(name, 8, 0)) {
            for (CompletionRequest request : List.of(running, longer, samePrompt, grown)) {
                alone.addAll(withoutReuse.run(List.of(request)));
            }
        }
        try (Harness withReuse = new Harness(name, 8, 1L << 24)) {
            int runningTokens = withReuse.model.tokenizer.encode(running.prompt()).length;
            int grownTokens = withReuse.model.tokenizer.encode(grown.prompt()).length;
            assertThat(runningTokens).isGreaterThan(BatchScheduler.MIN_REUSED_TOKENS);
            // the first decode step (both running rows are in by then) holds the engine until the newcomers are
            // queued: they join the next step
            CountDownLatch decoding = new CountDownLatch(1);
            CountDownLatch queued = new CountDownLatch(1);
            AtomicInteger deltas = new AtomicInteger();
            DeltaListener holdOnce = (id, delta) -> {
                if (deltas.incrementAndGet() != 2) {
                    return;
                }
                decoding.countDown();
                try {
                    queued.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            List<DecodingSequence> runningRows = List.of(withReuse.sequence(running, holdOnce),
                    withReuse.sequence(longer, DeltaListener.NONE));
            withReuse.scheduler.submit(runningRows);
            assertThat(decoding.await(30, TimeUnit.SECONDS)).isTrue();
            List<DecodingSequence> newcomers = List.of(withReuse.sequence(samePrompt, DeltaListener.NONE),
                    withReuse.sequence(grown, DeltaListener.NONE));
            withReuse.scheduler.submit(newcomers);
            EngineStatistics before = withReuse.scheduler.statistics();
            queued.countDown();

            List<Completion> all = new ArrayList<>();
            for (DecodingSequence sequence : List.of(runningRows.get(0), runningRows.get(1), newcomers.get(0),
                    newcomers.get(1))) {
                all.add(sequence.result().join());
            }

            EngineStatistics after = withReuse.scheduler.statistics();
            assertSameOutput(all, alone);
            long reused = after.reusedPromptTokens() - before.reusedPromptTokens();
            assertThat(reused).as("the same prompt's all but one, the grown prompt's the running row's prompt at least")
                    .isGreaterThanOrEqualTo(2L * runningTokens - 1);
            assertThat(after.prefilledTokens() - before.prefilledTokens() + reused)
                    .as("every prompt token either prefilled or reused").isEqualTo(runningTokens + grownTokens);
        }
    }

    private static void assertSameOutput(List<Completion> actual, List<Completion> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            Completion e = expected.get(i);
            Completion a = actual.stream().filter(c -> c.id().equals(e.id())).findFirst().orElseThrow();
            assertThat(a.text()).as("text of %s", e.id()).isEqualTo(e.text());
            assertThat(a.finishReason()).as("finish of %s", e.id()).isEqualTo(e.finishReason());
            assertThat(a.generatedTokens()).as("tokens of %s", e.id()).isEqualTo(e.generatedTokens());
        }
    }

    /** A scheduler on its own thread over a real model, as OnnxTextGenerator runs it. */
    static final class Harness implements AutoCloseable {
        final ForwardPassTest.Loaded model;
        final ModelFolder folder;
        final BatchScheduler scheduler;
        final Thread thread;
        final DecodingSequence.EndTokens endTokens;
        private boolean closed;

        Harness(String name, int maxBatch) {
            this(name, maxBatch, 0);
        }

        Harness(String name, int maxBatch, long prefixCacheBytes) {
            model = new ForwardPassTest.Loaded(name);
            folder = ModelFolder.open(TestModels.named(name));
            endTokens = new DecodingSequence.EndTokens(
                    folder.eosTokenIds().stream().mapToInt(Integer::intValue).toArray(), DecodingSequence.EndTokens.NONE);
            scheduler = new BatchScheduler(model.env, model.forward, maxBatch, folder.config().padTokenId().orElse(0),
                    prefixCacheBytes);
            thread = new Thread(scheduler, "test-engine");
            thread.start();
        }

        DecodingSequence sequence(CompletionRequest request, DeltaListener listener) {
            return new DecodingSequence(request, model.tokenizer.encode(request.prompt()), request.maxNewTokens(),
                    endTokens, model.tokenizer, model.forward.signature().vocabSize(), listener, System.nanoTime());
        }

        List<Completion> run(List<CompletionRequest> requests) {
            return run(requests, DeltaListener.NONE);
        }

        List<Completion> run(List<CompletionRequest> requests, DeltaListener listener) {
            List<DecodingSequence> sequences = requests.stream().map(r -> sequence(r, listener)).toList();
            scheduler.submit(sequences);
            return sequences.stream().map(s -> s.result().join()).toList();
        }

        /** Waits (bounded, so a bug fails instead of hanging) until {@code count} sequences are queued. */
        void awaitWaiting(int count) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (scheduler.waitingCount() < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("sequences were not queued");
                }
                Thread.onSpinWait();
            }
        }

        @Override
        public void close() throws Exception {
            if (!closed) {
                closed = true;
                scheduler.close();
                thread.join();
                model.close();
            }
        }
    }
}
