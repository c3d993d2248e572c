package io.streamaligner.inference.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;

/**
 * Where the JDK's HTTP client completes a response, and how to keep that cheap. Java 17's client ends every
 * {@code sendAsync} exchange with one stage on {@code CompletableFuture}'s default executor, whatever executor the client
 * was given. When the common {@link ForkJoinPool} has a parallelism below two — the JVM's choice on a machine with two
 * CPUs or fewer — that executor starts a new thread for every task: one thread start per model call. On the two-core
 * development machine that was about a fifth of the CPU time the HTTP backend added to an answer
 * ({@code ops/bench/http-call-cost.sh}: 11.0 ms more than the embedded engine's, 8.6 with the setting below).
 *
 * <p>The common pool's parallelism is read once, when the pool is first used, so only a program's {@code main} can set
 * it in time: the command line and the benchmark programs call {@link #preferCommonPool()} first. An application that
 * embeds the HTTP backend on such a machine sets {@value #PARALLELISM_PROPERTY}{@code =2} itself; the backend logs a hint
 * when it is missing ({@link #startsThreadPerResponse()}).
 */
public final class ResponseCompletionPool {

    static final String PARALLELISM_PROPERTY = "java.util.concurrent.ForkJoinPool.common.parallelism";

    private ResponseCompletionPool() {
    }

    /**
     * Asks for a common pool of two threads where the JVM would size it below two and nobody chose a size. Call it
     * first in {@code main}, before anything uses a {@code CompletableFuture}; later it changes nothing.
     */
    public static void preferCommonPool() {
        if (System.getProperty(PARALLELISM_PROPERTY) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(PARALLELISM_PROPERTY, "2");
        }
    }

    /** Whether this JVM's {@code CompletableFuture} default executor starts a thread per task (newer JDKs never do). */
    static boolean startsThreadPerResponse() {
        return !(new CompletableFuture<Void>().defaultExecutor() instanceof ForkJoinPool);
    }
}
