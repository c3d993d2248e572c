package io.streamaligner.topology.processor;

import io.streamaligner.topology.metrics.LoopMetrics;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.FinishReason;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The stage's contract with a generator the test drives by hand: nothing waits, nothing is lost, none hangs. */
class InferenceStageTest {

    private static final String STORE = "stage-pending";

    private final ControlledGenerator generator = new ControlledGenerator();
    private final List<String> outcomes = new ArrayList<>();
    private final List<String> streamed = new ArrayList<>();
    private boolean stepTakesPieces = true;
    private final InferenceStage.Step<String> step = new InferenceStage.Step<>() {
        @Override
        public CompletionRequest request(String requestId, String work) {
            if (work.contains("invalid")) {
                throw new IllegalStateException("cannot build a call for " + work);
            }
            return CompletionRequest.greedy(requestId, work, 16);
        }

        @Override
        public int round(String work) {
            return Integer.parseInt(work.substring(0, work.indexOf(':')));
        }

        @Override
        public boolean takesPieces() {
            return stepTakesPieces;
        }

        @Override
        public void streamed(String requestId, String work, String piece, int index, boolean speculative) {
            streamed.add(requestId + "#" + index + (speculative ? "~" : "=") + piece);
        }

        @Override
        public void completed(String requestId, String work, Completion completion, int pieces) {
            if (completion.text().contains("unusable")) {
                throw new IllegalStateException("cannot use " + completion.text());
            }
            outcomes.add(requestId + " completed: " + completion.text());
        }

        @Override
        public void failed(String requestId, String work, RuntimeException error) {
            outcomes.add(requestId + " failed: " + error.getMessage());
        }
    };
    private MockProcessorContext<Object, Object> context;
    private KeyValueStore<String, String> pending;

    @BeforeEach
    void attachStore() {
        context = MockStores.newContext();
        pending = MockStores.attach(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.String(),
                Serdes.String()), context);
    }

    @Test
    void shouldReturnAtOnceAndLetAFastCallFinishWhileASlowOneRuns() {
        InferenceStage<String> stage = stage(8, Duration.ofSeconds(5), 3);

        stage.add("slow", "1:a");
        stage.add("fast", "1:b");
        assertThat(generator.calls).hasSize(2);
        generator.last("fast").stream("done").complete(FinishReason.EOS);
        stage.tick();

        assertThat(outcomes).containsExactly("fast completed: done");
        assertThat(pending.get("fast")).isNull();
        assertThat(pending.get("slow")).isEqualTo("1:a");
        assertThat(stage.inFlightCount()).isEqualTo(1);
    }

    @Test
    void shouldDoubleTheBackoffPerAttemptUpToItsCapWithoutOverflowing() {
        long first = Duration.ofMillis(200).toNanos();
        long cap = InferenceStage.MAX_RETRY_BACKOFF.toNanos();

        assertThat(InferenceStage.backoffNanos(first, 1)).isEqualTo(first);
        assertThat(InferenceStage.backoffNanos(first, 2)).isEqualTo(2 * first);
        assertThat(InferenceStage.backoffNanos(first, 4)).isEqualTo(8 * first);
        assertThat(InferenceStage.backoffNanos(first, 10)).isEqualTo(cap);
        assertThat(InferenceStage.backoffNanos(first, 1_000)).isEqualTo(cap);
        long hours = Duration.ofHours(3).toNanos(); // a first wait above the cap is kept as configured, never doubled
        assertThat(InferenceStage.backoffNanos(hours, 1)).isEqualTo(hours);
        assertThat(InferenceStage.backoffNanos(hours, 30)).isEqualTo(hours);
        assertThat(InferenceStage.backoffNanos(0, 30)).isZero();
    }

    @Test
    void shouldFailOnlyTheRequestWhoseResultItsStepCannotUse() {
        InferenceStage<String> stage = stage(8, Duration.ofSeconds(5), 3);
        stage.add("bad", "1:a");
        stage.add("good", "1:b");

        generator.last("bad").stream("unusable").complete(FinishReason.EOS);
        generator.last("good").stream("fine").complete(FinishReason.EOS);
        stage.tick();
        stage.tick();

        assertThat(outcomes).containsExactly("bad failed: the model's result could not be used:"
                + " java.lang.IllegalStateException: cannot use unusable", "good completed: fine");
        assertThat(pending.get("bad")).as("dropped, not retried forever").isNull();
        assertThat(stage.inFlightCount()).isZero();
    }

    @Test
    void shouldKeepWorkBeyondTheInFlightLimitWaitingInTheStoreFirstComeFirstServed() {
        InferenceStage<String> stage = stage(2, Duration.ofSeconds(5), 3);

        stage.add("a", "1:a");
        stage.add("b", "1:b");
        stage.add("c", "1:c");
        stage.add("d", "1:d");
        assertThat(generator.calls).extracting(call -> call.request.id()).containsExactly("a", "b");
        assertThat(pending.approximateNumEntries()).isEqualTo(4);

        generator.last("b").complete(FinishReason.EOS);
        stage.tick();

        assertThat(generator.calls).extracting(call -> call.request.id()).containsExactly("a", "b", "c");
    }

    @Test
    void shouldForwardDeltasLiveInOrderAndEachPieceOnce() {
        InferenceStage<String> stage = stage(8, Duration.ofSeconds(5), 3);
        stage.add("r1", "1:x");

        generator.last("r1").stream("One").stream(" two");
        stage.tick();
        stage.tick();
        generator.last("r1").stream(" three.").complete(FinishReason.STOP);
        stage.tick();

        assertThat(streamed).containsExactly("r1#0=One", "r1#1= two", "r1#2= three.");
        assertThat(outcomes).containsExactly("r1 completed: One two three.");
    }

    @Test
    void shouldLetTheBackendAnswerWholeWhenTheStepTakesNoPieces() {
        stepTakesPieces = false;
        InferenceStage<String> stage = stage(8, Duration.ofSeconds(5), 3);
        stage.add("r1", "1:x");

        assertThat(generator.last("r1").listener()).isSameAs(DeltaListener.NONE);
        generator.last("r1").stream("One two.").complete(FinishReason.STOP);
        stage.tick();

        assertThat(outcomes).containsExactly("r1 completed: One two.");
    }

    @Test
    void shouldRetryARetryableFailureAndForwardOnlyTheTextTheRetryAdds() throws InterruptedException {
        InferenceStage<String> stage = stage(8, Duration.ofSeconds(5), 3);
        stage.add("r1", "1:x");
        generator.last("r1").stream("Hel");
        generator.last("r1").fail(true);
        stage.tick();
        assertThat(outcomes).isEmpty();

        Thread.sleep(25); // past the backoff
        stage.tick();
        assertThat(generator.callsOf("r1")).isEqualTo(2);
        generator.last("r1").stream("Hel").stream("lo").complete(FinishReason.EOS);
        stage.tick();

        assertThat(streamed).containsExactly("r1#0=Hel", "r1#1=lo");
        assertThat(outcomes).containsExactly("r1 completed: Hello");
    }

    @Test
    void shouldEndTheRequestWhenARetryWritesOtherTextThanWasAlreadyForwarded() throws InterruptedException {
        InferenceStage<String> stage = stage(8, Duration.ofSeconds(5), 3);
        stage.add("r1", "1:x");
        generator.last("r1").stream("Hel");
        generator.last("r1").fail(true);
        stage.tick();

        Thread.sleep(25); // past the backoff
        stage.tick();
        // a server that does not repeat itself: the retry starts otherwise than what was forwarded
        generator.last("r1").stream("Hey").stream(" there").complete(FinishReason.EOS);
        stage.tick();

        assertThat(streamed).containsExactly("r1#0=Hel", "r1#1= there");
        assertThat(outcomes).singleElement().asString().startsWith("r1 failed: a retry wrote other text");
    }

    @Test
    void shouldFailARequestOnceItsAttemptsAreSpentAndServeTheOthers() throws InterruptedException {
        InferenceStage<String> stage = stage(8, Duration.ofSeconds(5), 2);
        stage.add("bad", "1:x");
        stage.add("good", "1:y");

        generator.last("bad").fail(true);
        stage.tick();
        Thread.sleep(25);
        stage.tick();
        generator.last("bad").fail(true);
        generator.last("good").complete(FinishReason.EOS);
        stage.tick();

        assertThat(generator.callsOf("bad")).isEqualTo(2);
        assertThat(outcomes).containsExactly("bad failed: server busy", "good completed: ");
        assertThat(pending.approximateNumEntries()).isZero();
        assertThat(stage.inFlightCount()).isZero();
    }

    @Test
    void shouldFailTheRequestWhoseSubmitThrowsOnceAndServeTheOthers() {
        InferenceStage<String> stage = stage(8, Duration.ofSeconds(5), 3);
        generator.throwsFor = "bad";

        stage.add("bad", "1:x");
        stage.add("good", "1:y");
        generator.last("good").complete(FinishReason.EOS);
        stage.tick();
        stage.tick();

        assertThat(outcomes).containsExactlyInAnyOrder("bad failed: backend broke", "good completed: ");
        assertThat(pending.approximateNumEntries()).as("nothing left to submit again").isZero();
        assertThat(stage.inFlightCount()).isZero();
    }

    @Test
    void shouldNotRetryAFailureTheBackendSaysWouldRepeat() {
        InferenceStage<String> stage = stage(8, Duration.ofSeconds(5), 3);
        stage.add("r1", "1:x");

        generator.last("r1").fail(false);
        stage.tick();

        assertThat(generator.callsOf("r1")).isEqualTo(1);
        assertThat(outcomes).containsExactly("r1 failed: model broke");
    }

    @Test
    void shouldCancelACallPastItsDeadlineAndEndTheRequestAfterTheRetries() throws InterruptedException {
        InferenceStage<String> stage = stage(8, Duration.ofMillis(5), 2);
        stage.add("r1", "1:x");

        for (int i = 0; i < 10 && outcomes.isEmpty(); i++) {
            Thread.sleep(15);
            stage.tick();
        }

        assertThat(generator.calls).hasSize(2).allSatisfy(call -> assertThat(call.cancelled).isTrue());
        assertThat(outcomes).containsExactly("r1 failed: no completion within 5 ms");
    }

    @Test
    void shouldFailAnItemWhoseCallCannotBeBuiltWithoutTheModel() {
        InferenceStage<String> stage = stage(8, Duration.ofSeconds(5), 3);

        stage.add("r1", "1:invalid");

        assertThat(generator.calls).isEmpty();
        assertThat(outcomes).containsExactly("r1 failed: cannot build a call for 1:invalid");
    }

    @Test
    void shouldDropAReplayedItemAndLetALaterRoundReplaceAnEarlierOne() {
        InferenceStage<String> stage = stage(8, Duration.ofSeconds(5), 3);
        stage.add("r1", "2:x");

        stage.add("r1", "1:old");
        stage.add("r1", "2:x");
        assertThat(generator.calls).hasSize(1);

        stage.add("r1", "3:newer");
        assertThat(generator.calls.get(0).cancelled).isTrue();
        assertThat(generator.calls).hasSize(2);
        assertThat(pending.get("r1")).isEqualTo("3:newer");
    }

    @Test
    void shouldResubmitWhatThePendingStoreHoldsWhenATaskStartsAgain() {
        InferenceStage<String> first = stage(8, Duration.ofSeconds(5), 3);
        first.add("r1", "1:x");
        first.close();
        assertThat(generator.last("r1").cancelled).isTrue();

        InferenceStage<String> next = stage(8, Duration.ofSeconds(5), 3);
        generator.last("r1").stream("again").complete(FinishReason.EOS);
        next.tick();

        assertThat(generator.callsOf("r1")).isEqualTo(2);
        assertThat(outcomes).containsExactly("r1 completed: again");
    }

    @Test
    void shouldGiveItsPermitsBackWhenClosed() {
        InFlightLimit limit = new InFlightLimit(2);
        InferenceStage<String> stage = new InferenceStage<>(STORE, LoopMetrics.UPSTREAM, generator, settings(Duration.ofSeconds(5), 3),
                limit, step, CommitPolicy.ON_INTERVAL, LoopMetrics.none());
        stage.init(context);
        stage.add("a", "1:a");
        stage.add("b", "1:b");
        assertThat(limit.inUse()).isEqualTo(2);

        stage.close();

        assertThat(limit.inUse()).isZero();
    }

    @Test
    void shouldRequestACommitWhenAResultTheNextHopWaitsForWasForwarded() {
        InferenceStage<String> stage = stage(8, Duration.ofSeconds(5), 3);
        stage.add("r1", "1:x");
        generator.last("r1").stream("partial");
        stage.tick();
        assertThat(context.committed()).as("deltas alone are not what the next hop waits for").isFalse();

        generator.last("r1").complete(FinishReason.EOS);
        stage.tick();

        assertThat(context.committed()).isTrue();
    }

    @Test
    void shouldAdoptASpeculativeCallWhenTheWorkAsksForTheSameCallAndForwardItsTextAgainUnmarked() {
        InferenceStage<String> stage = stage(8, Duration.ofSeconds(5), 3);
        stage.speculate("r1", "2:next");
        stage.tick();
        assertThat(generator.callsOf("r1")).isEqualTo(1);
        assertThat(pending.get("r1")).as("a speculation is not stored").isNull();
        generator.last("r1").stream("Th");
        stage.tick();
        generator.last("r1").stream("en");
        stage.tick();
        assertThat(streamed).containsExactly("r1#0~Th", "r1#1~en");

        stage.add("r1", "2:next");
        generator.last("r1").stream(" more.").complete(FinishReason.STOP);
        stage.tick();

        assertThat(generator.callsOf("r1")).as("the running call was adopted, not started again").isEqualTo(1);
        // the same boundaries as a run of the step itself, so a re-run after a crash lines up with them by index
        assertThat(streamed).containsExactly("r1#0~Th", "r1#1~en", "r1#0=Th", "r1#1=en", "r1#2= more.");
        assertThat(outcomes).containsExactly("r1 completed: Then more.");
        assertThat(pending.get("r1")).isNull();
        assertThat(stage.speculativeCount()).isZero();
        assertThat(stage.inFlightCount()).isZero();
    }

    @Test
    void shouldHoldASpeculativeResultAndSettleItInTheAddThatAdoptsIt() {
        InferenceStage<String> stage = stage(8, Duration.ofSeconds(5), 3);
        stage.speculate("r1", "2:next");
        stage.tick();
        generator.last("r1").stream("Done.").complete(FinishReason.STOP);
        stage.tick();
        stage.tick();
        assertThat(outcomes).as("held until the work comes").isEmpty();

        stage.add("r1", "2:next");

        assertThat(outcomes).containsExactly("r1 completed: Done.");
        assertThat(streamed).containsExactly("r1#0~Done.", "r1#0=Done.");
        assertThat(context.forwarded()).isEmpty();
        assertThat(stage.inFlightCount()).isZero();
    }

    @Test
    void shouldGiveTheRunAheadCallsPermitBackOnceItHasFinishedAndStillSettleItWhenAdopted() {
        InferenceStage<String> stage = stage(1, Duration.ofSeconds(5), 3);
        stage.speculate("r1", "2:next");
        stage.tick();
        generator.last("r1").stream("Done.").complete(FinishReason.STOP);
        stage.tick();

        stage.add("other", "1:x");
        assertThat(generator.callsOf("other")).as("the held result left the one permit free").isEqualTo(1);
        stage.add("r1", "2:next");

        assertThat(outcomes).containsExactly("r1 completed: Done.");
    }

    @Test
    void shouldNotAdoptARunAheadCallThatFailedBeforeAnyTickSawIt() {
        InferenceStage<String> stage = stage(8, Duration.ofSeconds(5), 3);
        stage.speculate("r1", "2:next");
        stage.tick();
        generator.last("r1").fail(false);

        stage.add("r1", "2:next");
        generator.last("r1").stream("Own.").complete(FinishReason.STOP);
        stage.tick();

        assertThat(generator.callsOf("r1")).isEqualTo(2);
        assertThat(outcomes).containsExactly("r1 completed: Own.");
    }

    @Test
    void shouldCancelASpeculativeCallWhenTheWorkAsksForAnotherAndRunTheWorksOwn() {
        InferenceStage<String> stage = stage(8, Duration.ofSeconds(5), 3);
        stage.speculate("r1", "2:guess");
        stage.tick();
        ControlledGenerator.Call ahead = generator.last("r1");

        stage.add("r1", "2:actual");
        generator.last("r1").stream("Right.").complete(FinishReason.STOP);
        stage.tick();

        assertThat(ahead.cancelled).isTrue();
        assertThat(generator.callsOf("r1")).isEqualTo(2);
        assertThat(generator.last("r1").request.prompt()).isEqualTo("2:actual");
        assertThat(outcomes).containsExactly("r1 completed: Right.");
        assertThat(stage.inFlightCount()).isZero();
    }

    @Test
    void shouldNeitherSpeculateWithoutAFreePermitNorLetASpeculationDelayActualWork() {
        InferenceStage<String> stage = stage(1, Duration.ofSeconds(5), 3);
        stage.add("busy", "1:x");
        stage.speculate("r1", "2:next");
        stage.tick();
        assertThat(generator.callsOf("r1")).as("no permit free").isZero();

        generator.last("busy").complete(FinishReason.EOS);
        stage.tick();
        stage.speculate("r2", "2:next");
        stage.tick();
        assertThat(generator.callsOf("r2")).isEqualTo(1);
        assertThat(stage.speculativeCount()).isEqualTo(1);
    }

    @Test
    void shouldDropASpeculationThatFailsOrIsNotAdoptedInTime() throws InterruptedException {
        InferenceStage<String> stage = stage(8, Duration.ofMillis(20), 3);
        stage.speculate("failing", "2:x");
        stage.speculate("orphan", "2:y");
        stage.tick();
        generator.last("failing").fail(true);
        stage.tick();
        assertThat(stage.speculativeCount()).isEqualTo(1);

        Thread.sleep(30); // past the call timeout
        stage.tick();

        assertThat(stage.speculativeCount()).isZero();
        assertThat(generator.last("orphan").cancelled).isTrue();
        assertThat(stage.inFlightCount()).isZero();
        assertThat(outcomes).isEmpty();
        stage.add("failing", "2:x");
        assertThat(generator.callsOf("failing")).as("the work runs its own call").isEqualTo(2);
    }

    @Test
    void shouldCancelSpeculationsWhenTheTaskCloses() {
        InferenceStage<String> stage = stage(8, Duration.ofSeconds(5), 3);
        stage.speculate("r1", "2:next");
        stage.tick();

        stage.close();

        assertThat(generator.last("r1").cancelled).isTrue();
        assertThat(stage.speculativeCount()).isZero();
    }

    private InferenceStage<String> stage(int maxInFlight, Duration callTimeout, int maxAttempts) {
        InferenceStage<String> stage = new InferenceStage<>(STORE, LoopMetrics.UPSTREAM, generator, new InferenceSettings(maxInFlight,
                Duration.ofMillis(2), callTimeout, maxAttempts, Duration.ofMillis(10)), new InFlightLimit(maxInFlight), step,
                CommitPolicy.WHEN_FORWARDED, LoopMetrics.none());
        stage.init(context);
        return stage;
    }

    private static InferenceSettings settings(Duration callTimeout, int maxAttempts) {
        return new InferenceSettings(8, Duration.ofMillis(2), callTimeout, maxAttempts, Duration.ofMillis(10));
    }
}
