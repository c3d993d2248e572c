package io.streamaligner.inference.onnx;

import java.util.Objects;

/**
 * How an {@link OnnxTextGenerator} runs its model.
 *
 * @param provider       CPU (default) or CUDA
 * @param deviceIndex    the CUDA device ordinal; ignored on CPU
 * @param fallbackToCpu  if CUDA cannot be loaded, run on the CPU (with a warning) instead of failing; never
 *                       implicit
 * @param intraOpThreads ONNX Runtime's threads inside one operator; 0 lets it pick (one per physical core)
 * @param maxBatchSize   most sequences decoded together in one forward pass; more wait for a free row
 * @param prefixCacheBytes memory for the KV caches of finished requests, kept so that a later prompt that starts with
 *                       the same tokens (the loop's next round) prefills only the rest; 0 keeps none
 */
public record EngineOptions(ExecutionProvider provider, int deviceIndex, boolean fallbackToCpu, int intraOpThreads,
                            int maxBatchSize, long prefixCacheBytes) {

    public static final int DEFAULT_MAX_BATCH_SIZE = 16;
    public static final long DEFAULT_PREFIX_CACHE_BYTES = 64L * 1024 * 1024;

    public EngineOptions {
        Objects.requireNonNull(provider, "provider");
        if (deviceIndex < 0) {
            throw new IllegalArgumentException("deviceIndex must be >= 0, got " + deviceIndex);
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + intraOpThreads);
        }
        if (maxBatchSize <= 0) {
            throw new IllegalArgumentException("maxBatchSize must be positive, got " + maxBatchSize);
        }
        if (prefixCacheBytes < 0) {
            throw new IllegalArgumentException("prefixCacheBytes must be >= 0, got " + prefixCacheBytes);
        }
    }

    /**
     * CPU, ONNX Runtime's thread count, batches of up to {@value #DEFAULT_MAX_BATCH_SIZE}, {@value
     * #DEFAULT_PREFIX_CACHE_BYTES} bytes of kept caches.
     */
    public static EngineOptions cpu() {
        return new EngineOptions(ExecutionProvider.CPU, 0, false, 0, DEFAULT_MAX_BATCH_SIZE, DEFAULT_PREFIX_CACHE_BYTES);
    }

    /** CUDA on one device, failing if it cannot be loaded. */
    public static EngineOptions cuda(int deviceIndex) {
        return new EngineOptions(ExecutionProvider.CUDA, deviceIndex, false, 0, DEFAULT_MAX_BATCH_SIZE,
                DEFAULT_PREFIX_CACHE_BYTES);
    }

    public EngineOptions withFallbackToCpu(boolean fallback) {
        return new EngineOptions(provider, deviceIndex, fallback, intraOpThreads, maxBatchSize, prefixCacheBytes);
    }

    public EngineOptions withIntraOpThreads(int threads) {
        return new EngineOptions(provider, deviceIndex, fallbackToCpu, threads, maxBatchSize, prefixCacheBytes);
    }

    public EngineOptions withMaxBatchSize(int size) {
        return new EngineOptions(provider, deviceIndex, fallbackToCpu, intraOpThreads, size, prefixCacheBytes);
    }

    public EngineOptions withPrefixCacheBytes(long bytes) {
        return new EngineOptions(provider, deviceIndex, fallbackToCpu, intraOpThreads, maxBatchSize, bytes);
    }
}
