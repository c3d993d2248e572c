package io.streamaligner.inference.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The direct buffers gathered and kept KV caches are made of, reused once a cache closes. A new direct buffer costs far
 * more than the copy into it (the JVM zeroes it, the kernel maps fresh pages, the GC frees it later), and the engine
 * gathers a new batch cache whenever the batch's rows change and copies out every finished row it keeps: on the
 * bundled models that allocation took more CPU than the prefill that prefix reuse saves.
 *
 * <p>Capacities are rounded up to an eighth of a power of two (at most an eighth more than asked, which a kept cache
 * holds as long as it is kept), so that sizes close to each other share buffers. A taken buffer's contents are
 * whatever its last cache left, so a caller writes every byte it hands to ONNX Runtime. At most
 * {@link #MAX_FREE_BYTES} of free buffers wait for reuse; beyond that a returned buffer is left to the GC.
 */
final class KvBuffers {

    /** Free buffers kept for reuse, in bytes: several batch caches of the bundled models, a few layers of a large one. */
    static final long MAX_FREE_BYTES = 64L << 20;

    private static final int MIN_CAPACITY = 64;

    /** Free buffers by capacity. */
    private final Map<Integer, ArrayDeque<ByteBuffer>> free = new HashMap<>();
    private long freeBytes;

    /** A native-order view of exactly {@code bytes}, its contents undefined; {@link #give} its {@code pooled()} back. */
    synchronized Taken take(int bytes) {
        int capacity = capacityFor(bytes);
        ArrayDeque<ByteBuffer> same = free.get(capacity);
        ByteBuffer pooled = same == null ? null : same.poll();
        if (pooled != null) {
            freeBytes -= capacity;
        } else {
            pooled = ByteBuffer.allocateDirect(capacity);
        }
        return new Taken(pooled, pooled.slice(0, bytes).order(ByteOrder.nativeOrder()));
    }

    /** Returns a buffer {@link #take} gave; its views must no longer be in use. */
    synchronized void give(ByteBuffer pooled) {
        if (freeBytes + pooled.capacity() > MAX_FREE_BYTES) {
            return;
        }
        free.computeIfAbsent(pooled.capacity(), c -> new ArrayDeque<>()).push(pooled);
        freeBytes += pooled.capacity();
    }

    /** Bytes of free buffers waiting for reuse. */
    synchronized long freeBytes() {
        return freeBytes;
    }

    /** @param pooled the buffer to give back; {@code view} the {@code bytes} a caller writes and reads */
    record Taken(ByteBuffer pooled, ByteBuffer view) {
    }

    static int capacityFor(int bytes) {
        int wanted = Math.max(bytes, MIN_CAPACITY);
        int step = Integer.highestOneBit(wanted) / 8;
        long rounded = ((long) wanted + step - 1) / step * step;
        return rounded > Integer.MAX_VALUE - 8 ? wanted : (int) rounded;
    }
}
