package io.streamaligner.inference.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.streamaligner.inference.GenerationException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Continuous batching on one engine thread, which alone touches the session and the cache.
 *
 * <p>Callers {@link #submit} sequences; at each step boundary the thread admits waiting ones (up to the batch
 * size), prefills them (in passes of similar prompt lengths) and merges them into the running batch; then one
 * decode step advances every row by a token. Rows are left-padded, so sequences of different lengths share one forward pass: the
 * attention mask hides the padding and position ids count only real tokens ({@code cumsum(mask) - 1}). A
 * finished row stays in the batch as dead weight until half the rows are dead or a newcomer arrives, when the
 * cache is compacted; otherwise the cache goes from one step to the next without a copy.
 */
final class BatchScheduler implements Runnable {

    private final OrtEnvironment env;
    private final ForwardPass forward;
    private final ModelSignature signature;
    private final int maxBatchSize;
    private final long padTokenId;

    private final Object lock = new Object();
    /** guarded by lock */
    private final ArrayDeque<DecodingSequence> waiting = new ArrayDeque<>();
    /** guarded by lock */
    private boolean closed;

    // engine-thread state
    /** (rows, kv_heads, length, head_dim) per layer; null while idle. */
    private KvCache cache;
    /** (rows) the sequence in each row of the cache, null once it has finished. */
    private DecodingSequence[] rows = new DecodingSequence[0];
    /** (rows) left-padding columns of each row of the cache. */
    private int[] padding = new int[0];
    /** (rows × (length + 1)) scratch for the decode step's attention mask. */
    private long[] maskScratch = new long[0];

    BatchScheduler(OrtEnvironment env, ForwardPass forward, int maxBatchSize, long padTokenId) {
        this.env = env;
        this.forward = forward;
        this.signature = forward.signature();
        this.maxBatchSize = maxBatchSize;
        this.padTokenId = padTokenId;
    }

    /** Queues sequences; they join the running batch at the next step boundary, together. */
    void submit(List<DecodingSequence> sequences) {
        synchronized (lock) {
            if (closed) {
                sequences.forEach(s -> s.fail(new GenerationException("the engine is closed")));
                return;
            }
            waiting.addAll(sequences);
            lock.notifyAll();
        }
    }

    /** Sequences submitted but not yet admitted into the batch. */
    int waitingCount() {
        synchronized (lock) {
            return waiting.size();
        }
    }

    /** Stops the loop after the current step; sequences not finished by then fail. */
    void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }

    @Override
    public void run() {
        try {
            while (true) {
                List<DecodingSequence> joining = new ArrayList<>();
                synchronized (lock) {
                    while (!closed && waiting.isEmpty() && liveRows() == 0) {
                        lock.wait();
                    }
                    if (closed) {
                        break;
                    }
                    for (int free = maxBatchSize - liveRows(); free > 0 && !waiting.isEmpty(); free--) {
                        joining.add(waiting.poll());
                    }
                }
                try {
                    step(joining);
                } catch (OrtException | RuntimeException e) {
                    failBatch(joining, new GenerationException("forward pass failed: " + e.getMessage(), e));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            GenerationException closedError = new GenerationException("the engine is closed");
            synchronized (lock) {
                closed = true;
                waiting.forEach(s -> s.fail(closedError));
                waiting.clear();
            }
            failBatch(List.of(), closedError);
        }
    }

    private void step(List<DecodingSequence> joining) throws OrtException {
        retireCancelled();
        List<DecodingSequence> admitted = new ArrayList<>();
        for (DecodingSequence sequence : joining) {
            if (!failIfCancelled(sequence)) {
                admitted.add(sequence);
            }
        }
        int dead = rows.length - liveRows();
        if (!admitted.isEmpty()) {
            admit(admitted);
        } else if (dead > 0 && dead * 2 >= rows.length) {
            compact();
        }
        if (liveRows() > 0) {
            decode();
        } else {
            closeCache();
        }
    }

    /**
     * Prefills the newcomers (in passes of similar prompt lengths, see {@link PrefillGroups}), gives each its
     * first token, and merges the unfinished ones into the running batch.
     */
    private void admit(List<DecodingSequence> newcomers) throws OrtException {
        long now = System.nanoTime();
        newcomers.forEach(s -> s.admitted(now));
        int[] lengths = newcomers.stream().mapToInt(s -> s.promptIds().length).toArray();
        List<KvCache> prefills = new ArrayList<>();
        try {
            List<KvCache.RowSlice> slices = new ArrayList<>();
            List<DecodingSequence> merged = new ArrayList<>();
            keepLiveRows(slices, merged);
            boolean batchWasIdle = merged.isEmpty();
            DecodingSequence[] onlyPassRows = null;
            int[] onlyPassPadding = null;
            for (int[] group : PrefillGroups.split(lengths)) {
                List<DecodingSequence> pass = new ArrayList<>();
                for (int index : group) {
                    pass.add(newcomers.get(index));
                }
                int width = pass.get(pass.size() - 1).promptIds().length;
                KvCache prefilled = prefill(pass, width);
                prefills.add(prefilled);
                onlyPassRows = new DecodingSequence[pass.size()];
                onlyPassPadding = new int[pass.size()];
                for (int i = 0; i < pass.size(); i++) {
                    DecodingSequence sequence = pass.get(i);
                    int length = sequence.promptIds().length;
                    onlyPassPadding[i] = width - length;
                    // the logits buffer is reused by the next run: take each first token now
                    forward.copyLogits(i, width - 1, sequence.logits());
                    if (!sequence.accept()) {
                        onlyPassRows[i] = sequence;
                        slices.add(new KvCache.RowSlice(prefilled, i, length));
                        merged.add(sequence);
                    }
                }
            }
            if (batchWasIdle && prefills.size() == 1) {
                // the common case of an idle engine: the prefill's cache is the batch, no copy
                closeCache();
                cache = prefills.remove(0);
                rows = onlyPassRows;
                padding = onlyPassPadding;
            } else if (merged.isEmpty()) {
                clearBatch();
            } else {
                replaceCache(slices, merged);
            }
        } finally {
            prefills.forEach(KvCache::close);
        }
    }

    /** One prefill pass over prompts left-padded to {@code width}; returns its cache. */
    private KvCache prefill(List<DecodingSequence> pass, int width) throws OrtException {
        int count = pass.size();
        long[] ids = new long[count * width];
        long[] mask = new long[count * width];
        long[] positions = new long[count * width];
        for (int i = 0; i < count; i++) {
            int[] prompt = pass.get(i).promptIds();
            int pad = width - prompt.length;
            Arrays.fill(ids, i * width, i * width + pad, padTokenId);
            for (int j = 0; j < prompt.length; j++) {
                int at = i * width + pad + j;
                ids[at] = prompt[j];
                mask[at] = 1;
                positions[at] = j;
            }
        }
        try (KvCache empty = KvCache.empty(env, signature, count)) {
            return forward.run(count, width, ids, mask, positions, empty);
        }
    }

    /** Advances every row by one token: the cache goes back in as past, the present comes out. */
    private void decode() throws OrtException {
        int count = rows.length;
        int length = cache.length();
        int width = length + 1;
        long[] ids = new long[count];
        long[] positions = new long[count];
        if (maskScratch.length < count * width) {
            maskScratch = new long[Math.max(count * width, maskScratch.length * 2)];
        }
        for (int r = 0; r < count; r++) {
            ids[r] = rows[r] != null ? rows[r].lastToken() : padTokenId;
            positions[r] = length - padding[r];
            Arrays.fill(maskScratch, r * width, r * width + padding[r], 0L);
            Arrays.fill(maskScratch, r * width + padding[r], (r + 1) * width, 1L);
        }
        KvCache next = forward.run(count, 1, ids, maskScratch, positions, cache);
        cache.close();
        cache = next;
        for (int r = 0; r < count; r++) {
            if (rows[r] != null) {
                forward.copyLogits(r, 0, rows[r].logits());
                if (rows[r].accept()) {
                    rows[r] = null;
                }
            }
        }
    }

    /** Drops finished rows and the padding columns no live row needs. */
    private void compact() throws OrtException {
        List<KvCache.RowSlice> slices = new ArrayList<>();
        List<DecodingSequence> kept = new ArrayList<>();
        keepLiveRows(slices, kept);
        replaceCache(slices, kept);
    }

    private void keepLiveRows(List<KvCache.RowSlice> slices, List<DecodingSequence> kept) {
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] != null) {
                slices.add(new KvCache.RowSlice(cache, r, cache.length() - padding[r]));
                kept.add(rows[r]);
            }
        }
    }

    private void replaceCache(List<KvCache.RowSlice> slices, List<DecodingSequence> kept) throws OrtException {
        int length = slices.stream().mapToInt(KvCache.RowSlice::validLength).max().orElse(0);
        KvCache gathered = KvCache.gather(env, signature, slices, length);
        closeCache();
        cache = gathered;
        rows = kept.toArray(DecodingSequence[]::new);
        padding = new int[rows.length];
        for (int r = 0; r < rows.length; r++) {
            padding[r] = length - slices.get(r).validLength();
        }
    }

    private void retireCancelled() {
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] != null && failIfCancelled(rows[r])) {
                rows[r] = null;
            }
        }
    }

    /** Fails a sequence whose caller gave up on it; returns whether it did. */
    private static boolean failIfCancelled(DecodingSequence sequence) {
        if (!sequence.cancelled()) {
            return false;
        }
        sequence.fail(new GenerationException("request " + sequence.request().id() + " was cancelled"));
        return true;
    }

    private void failBatch(List<DecodingSequence> joining, GenerationException error) {
        joining.forEach(s -> s.fail(error));
        for (DecodingSequence row : rows) {
            if (row != null) {
                row.fail(error);
            }
        }
        clearBatch();
    }

    /** No rows, no cache: the state of an idle engine. */
    private void clearBatch() {
        rows = new DecodingSequence[0];
        padding = new int[0];
        closeCache();
    }

    private void closeCache() {
        if (cache != null) {
            cache.close();
            cache = null;
        }
    }

    private int liveRows() {
        int live = 0;
        for (DecodingSequence row : rows) {
            live += row != null ? 1 : 0;
        }
        return live;
    }
}
