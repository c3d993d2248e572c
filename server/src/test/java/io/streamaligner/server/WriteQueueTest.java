package io.streamaligner.server;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class WriteQueueTest {

    /** Holds the tasks it is given until the test runs them. */
    private static final class HeldTasks implements java.util.concurrent.Executor {
        final Queue<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            for (Runnable task; (task = tasks.poll()) != null; ) {
                task.run();
            }
        }
    }

    @Test
    void shouldRunWritesOnTheServersThreadNotTheSubmittingOne() {
        HeldTasks threads = new HeldTasks();
        WriteQueue queue = new WriteQueue(threads);
        List<String> written = new ArrayList<>();

        queue.submit(() -> written.add("a"));

        assertThat(written).isEmpty();
        threads.runAll();
        assertThat(written).containsExactly("a");
    }

    @Test
    void shouldHandAllWritesSubmittedBeforeTheDrainRunsToOneTaskInTheirOrder() {
        HeldTasks threads = new HeldTasks();
        WriteQueue queue = new WriteQueue(threads);
        List<String> written = new ArrayList<>();

        for (String row : List.of("row 1", "row 2", "row 3")) {
            queue.submit(() -> written.add(row));
        }

        assertThat(threads.tasks).hasSize(1); // one wake-up for the engine's step, not one per row
        threads.runAll();
        assertThat(written).containsExactly("row 1", "row 2", "row 3");

        queue.submit(() -> written.add("next step"));
        assertThat(threads.tasks).hasSize(1);
        threads.runAll();
        assertThat(written).endsWith("next step");
    }

    @Test
    void shouldTakeAWriteSubmittedWhileItDrainsInTheSameDrain() {
        HeldTasks threads = new HeldTasks();
        WriteQueue queue = new WriteQueue(threads);
        List<String> written = new ArrayList<>();
        queue.submit(() -> {
            written.add("first");
            queue.submit(() -> written.add("during"));
        });

        threads.runAll();

        assertThat(written).containsExactly("first", "during");
        assertThat(threads.tasks).isEmpty();
    }

    @Test
    void shouldGoOnWithTheOtherWritesWhenOneThrows() {
        HeldTasks threads = new HeldTasks();
        WriteQueue queue = new WriteQueue(threads);
        List<String> written = new ArrayList<>();
        queue.submit(() -> {
            throw new IllegalStateException("a bug in one response");
        });
        queue.submit(() -> written.add("other"));

        threads.runAll();
        queue.submit(() -> written.add("later"));
        threads.runAll();

        assertThat(written).containsExactly("other", "later");
    }

    @Test
    void shouldRunTheWriteOnTheSubmittingThreadWhenTheServersThreadsRefuseIt() {
        WriteQueue queue = new WriteQueue(task -> {
            throw new RejectedExecutionException("stopping");
        });
        List<String> written = new ArrayList<>();

        queue.submit(() -> written.add("last"));
        queue.submit(() -> written.add("after"));

        assertThat(written).containsExactly("last", "after");
    }

    @Test
    void shouldRunEveryWriteSubmittedFromManyThreadsExactlyOnce() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        ExecutorService engines = Executors.newFixedThreadPool(4);
        try {
            WriteQueue queue = new WriteQueue(threads);
            int writes = 20_000;
            CountDownLatch done = new CountDownLatch(writes);
            java.util.concurrent.atomic.AtomicIntegerArray runs = new java.util.concurrent.atomic.AtomicIntegerArray(
                    writes);
            for (int engine = 0; engine < 4; engine++) {
                int first = engine;
                engines.execute(() -> {
                    for (int i = first; i < writes; i += 4) {
                        int index = i;
                        queue.submit(() -> {
                            runs.incrementAndGet(index);
                            done.countDown();
                        });
                    }
                });
            }

            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(50); // a write run twice would show now
            for (int i = 0; i < writes; i++) {
                assertThat(runs.get(i)).as("write %d", i).isEqualTo(1);
            }
        } finally {
            engines.shutdownNow();
            threads.shutdownNow();
        }
    }
}
