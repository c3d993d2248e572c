package io.streamaligner.topology.processor;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.topology.AlignmentTopology;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InferenceBatcherTest {

    private static final String STORE = "pending";

    private final EchoGenerator generator = new EchoGenerator();
    private final List<String> outcomes = new ArrayList<>();
    private KeyValueStore<String, String> pending;

    /** Records outcomes; checks that an item is still pending while its result is forwarded. */
    private final InferenceBatcher.Step<String> step = new InferenceBatcher.Step<>() {
        @Override
        public CompletionRequest request(String requestId, String work) {
            if (work.startsWith("invalid")) {
                throw new IllegalArgumentException("cannot render " + work);
            }
            return CompletionRequest.greedy(requestId, work, 8);
        }

        @Override
        public void completed(String requestId, String work, Completion completion, List<String> deltas) {
            assertThat(pending.get(requestId)).as("pending until its result is forwarded").isEqualTo(work);
            outcomes.add("completed " + requestId + " " + completion.text() + " " + deltas);
        }

        @Override
        public void failed(String requestId, String work, RuntimeException error) {
            outcomes.add("failed " + requestId + " " + error.getMessage());
        }
    };

    @Test
    void shouldRunWhatIsPendingWhenThePunctuatorFires() {
        MockProcessorContext<Object, Object> context = MockStores.newContext();
        InferenceBatcher<String> batcher = batcher(context, 8, Duration.ofSeconds(5));

        batcher.add("a", "alpha");
        batcher.add("b", "beta");
        assertThat(generator.batches).isEmpty();
        MockStores.punctuate(context);

        assertThat(context.scheduledPunctuators()).singleElement()
                .satisfies(p -> assertThat(p.getInterval()).isEqualTo(Duration.ofMillis(2)));
        assertThat(generator.batches).hasSize(1);
        assertThat(outcomes).containsExactly("completed a ALPHA [ALPHA]", "completed b BETA [BETA]");
        assertThat(batcher.pendingCount()).isZero();
        assertThat(pending.approximateNumEntries()).isZero();
    }

    @Test
    void shouldRunABatchAtOnceWhenMaxBatchSizeIsPending() {
        MockProcessorContext<Object, Object> context = MockStores.newContext();
        InferenceBatcher<String> batcher = batcher(context, 2, Duration.ofSeconds(5));

        batcher.add("a", "alpha");
        assertThat(generator.batches).isEmpty();
        batcher.add("b", "beta");

        assertThat(generator.batches).singleElement().satisfies(batch -> assertThat(batch).hasSize(2));
        assertThat(outcomes).hasSize(2);
    }

    @Test
    void shouldServeTheOldestWorkFirstAndCapTheBatch() {
        MockProcessorContext<Object, Object> context = MockStores.newContext();
        InferenceBatcher<String> batcher = batcher(context, 2, Duration.ofSeconds(5));

        batcher.add("z-first", "one");
        batcher.add("a-second", "two");
        batcher.add("m-third", "three");
        MockStores.punctuate(context);

        assertThat(generator.batches).extracting(batch -> batch.stream().map(CompletionRequest::id).toList())
                .containsExactly(List.of("z-first", "a-second"), List.of("m-third"));
    }

    @Test
    void shouldReRunPendingWorkAfterARestart() {
        MockProcessorContext<Object, Object> before = MockStores.newContext();
        InferenceBatcher<String> crashed = batcher(before, 8, Duration.ofSeconds(5));
        crashed.add("a", "alpha");
        crashed.add("c", "crash now");
        assertThatThrownBy(() -> MockStores.punctuate(before)).isInstanceOf(EchoGenerator.SimulatedCrash.class);
        assertThat(outcomes).isEmpty();

        // a new instance over the restored store: everything the crashed one held is run again, unchanged
        MockProcessorContext<Object, Object> after = MockStores.newContext();
        after.addStateStore(pending);
        InferenceBatcher<String> restarted = new InferenceBatcher<>(STORE, generator, settings(8, Duration.ofSeconds(5)), step,
                CommitPolicy.WHEN_FORWARDED);
        restarted.init(after);
        assertThat(restarted.pendingCount()).isEqualTo(2);
        MockStores.punctuate(after);

        assertThat(outcomes).containsExactly("completed a ALPHA [ALPHA]", "completed c CRASH NOW [CRASH NOW]");
        assertThat(generator.batches.get(1)).isEqualTo(generator.batches.get(0));
        assertThat(pending.approximateNumEntries()).isZero();
    }

    @Test
    void shouldFailOnlyTheRequestThatBreaksABatch() {
        MockProcessorContext<Object, Object> context = MockStores.newContext();
        InferenceBatcher<String> batcher = batcher(context, 8, Duration.ofSeconds(5));

        batcher.add("a", "alpha");
        batcher.add("b", "bad one");
        batcher.add("c", "gamma");
        MockStores.punctuate(context);

        assertThat(outcomes).containsExactly("completed a ALPHA [ALPHA]",
                "failed b cannot generate for a bad prompt", "completed c GAMMA [GAMMA]");
        assertThat(generator.batches).extracting(List::size).containsExactly(3, 1, 1, 1);
        assertThat(batcher.pendingCount()).isZero();
    }

    @Test
    void shouldLeaveWorkPendingWhenTheRetryBudgetIsSpent() {
        MockProcessorContext<Object, Object> context = MockStores.newContext();
        InferenceBatcher<String> batcher = batcher(context, 8, Duration.ZERO);

        batcher.add("a", "alpha");
        batcher.add("b", "bad one");
        MockStores.punctuate(context);

        assertThat(outcomes).isEmpty();
        assertThat(batcher.pendingCount()).isEqualTo(2);
        assertThat(pending.get("a")).isEqualTo("alpha");
    }

    @Test
    void shouldFailWorkWhoseRequestCannotBeBuiltWithoutCallingTheModel() {
        MockProcessorContext<Object, Object> context = MockStores.newContext();
        InferenceBatcher<String> batcher = batcher(context, 8, Duration.ofSeconds(5));

        batcher.add("a", "invalid input");
        MockStores.punctuate(context);

        assertThat(outcomes).containsExactly("failed a cannot render invalid input");
        assertThat(generator.batches).isEmpty();
        assertThat(batcher.pendingCount()).isZero();
    }

    @Test
    void shouldRequestACommitAfterABatchUnderExactlyOnce() {
        MockProcessorContext<Object, Object> context = MockStores.newContext();
        InferenceBatcher<String> batcher = batcher(context, 8, Duration.ofSeconds(5));

        MockStores.punctuate(context);
        assertThat(context.committed()).as("nothing forwarded, nothing to hurry").isFalse();
        batcher.add("a", "alpha");
        assertThat(context.committed()).isFalse();
        MockStores.punctuate(context);

        assertThat(context.committed()).isTrue();
    }

    @Test
    void shouldNotCommitForOutputsThatStayInMemory() {
        MockProcessorContext<Object, Object> context = MockStores.newContext();
        pending = MockStores.attach(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.String(),
                Serdes.String()), context);
        InferenceBatcher<String> batcher = new InferenceBatcher<>(STORE, generator, settings(8, Duration.ofSeconds(5)),
                step, CommitPolicy.ON_INTERVAL);
        batcher.init(context);

        batcher.add("a", "alpha");
        MockStores.punctuate(context);

        assertThat(outcomes).hasSize(1);
        assertThat(context.committed()).as("the next hop is in memory: nothing waits for this commit").isFalse();
    }

    @Test
    void shouldLeaveCommitsToTheIntervalUnderAtLeastOnce() {
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>(
                AlignmentTopology.streamsConfig("processor-test", "unused:9092", StreamsConfig.AT_LEAST_ONCE));
        context.setCurrentSystemTimeMs(10_000);
        InferenceBatcher<String> batcher = batcher(context, 8, Duration.ofSeconds(5));

        batcher.add("a", "alpha");
        MockStores.punctuate(context);

        assertThat(outcomes).hasSize(1);
        assertThat(context.committed()).isFalse();
    }

    private InferenceBatcher<String> batcher(MockProcessorContext<Object, Object> context, int maxBatchSize,
                                             Duration timeBudget) {
        pending = MockStores.attach(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.String(),
                Serdes.String()), context);
        InferenceBatcher<String> batcher = new InferenceBatcher<>(STORE, generator, settings(maxBatchSize, timeBudget), step,
                CommitPolicy.WHEN_FORWARDED);
        batcher.init(context);
        return batcher;
    }

    private static BatchSettings settings(int maxBatchSize, Duration timeBudget) {
        return new BatchSettings(maxBatchSize, Duration.ofMillis(2), timeBudget);
    }
}
