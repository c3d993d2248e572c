package io.streamaligner.inference.http;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinWorkerThread;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ResponseCompletionPoolTest {

    @Test
    void tellsWhetherTheDefaultExecutorStartsAThreadPerTask() throws Exception {
        boolean onPoolWorker = CompletableFuture.supplyAsync(() -> Thread.currentThread() instanceof ForkJoinWorkerThread)
                .get();

        assertEquals(!onPoolWorker, ResponseCompletionPool.startsThreadPerResponse());
    }

    @Test
    void leavesAParallelismSomebodyChoseAlone() {
        String before = System.getProperty(ResponseCompletionPool.PARALLELISM_PROPERTY);
        System.setProperty(ResponseCompletionPool.PARALLELISM_PROPERTY, "7");
        try {
            ResponseCompletionPool.preferCommonPool();

            assertEquals("7", System.getProperty(ResponseCompletionPool.PARALLELISM_PROPERTY));
        } finally {
            if (before == null) {
                System.clearProperty(ResponseCompletionPool.PARALLELISM_PROPERTY);
            } else {
                System.setProperty(ResponseCompletionPool.PARALLELISM_PROPERTY, before);
            }
        }
    }
}
