package io.streamaligner.inference.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.streamaligner.inference.GenerationException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

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

    private static final Logger LOG = LoggerFactory.getLogger(BatchScheduler.class);

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
    /** guarded by lock: why the engine stopped when an error it cannot go on after ended its loop; null otherwise */
    private Throwable stoppedBy;

    /** Minimum shared prompt tokens worth resuming from a kept or running cache rather than a batched prefill. */
    static final int MIN_REUSED_TOKENS = 16;

    private final AtomicLong prefilledTokens = new AtomicLong();
    private final AtomicLong reusedTokens = new AtomicLong();
    private final AtomicLong prefillPasses = new AtomicLong();
    private final AtomicLong decodeSteps = new AtomicLong();
    private final AtomicLong generatedTokens = new AtomicLong();
    private final AtomicLong forwardNanos = new AtomicLong();

    // engine-thread state
    /** Finished rows' caches, kept for later prompts that start the same way. */
    private final PrefixCache prefixes;
    /** Memory of the caches this thread gathers and keeps, reused. */
    private final KvBuffers buffers = new KvBuffers();
    /** Whether the log has said once that a finished request's cache was too large to keep. */
    private boolean toldTooLarge;
    /** (rows, kv_heads, length, head_dim) per layer; null while idle. */
    private KvCache cache;
    /** (rows) the sequence in each row of the cache, null once it has finished. */
    private DecodingSequence[] rows = new DecodingSequence[0];
    /** (rows) left-padding columns of each row of the cache. */
    private int[] padding = new int[0];
    /** (rows × (length + 1)) scratch for the decode step's attention mask. */
    private long[] maskScratch = new long[0];

    /** @param prefixCacheBytes the memory finished rows' caches may take while kept for later prompts; 0 keeps none */
    BatchScheduler(OrtEnvironment env, ForwardPass forward, int maxBatchSize, long padTokenId, long prefixCacheBytes) {
        this.env = env;
        this.forward = forward;
        this.signature = forward.signature();
        this.maxBatchSize = maxBatchSize;
        this.padTokenId = padTokenId;
        this.prefixes = new PrefixCache(prefixCacheBytes, signature.kvBytesPerToken(), MIN_REUSED_TOKENS);
    }

    /** What the engine has done so far. */
    EngineStatistics statistics() {
        return new EngineStatistics(prefilledTokens.get(), reusedTokens.get(), prefillPasses.get(), decodeSteps.get(),
                generatedTokens.get(), forwardNanos.get());
    }

    /** Queues sequences; they join the running batch at the next step boundary, together. */
    void submit(List<DecodingSequence> sequences) {
        synchronized (lock) {
            if (closed) {
                GenerationException closedError = closedError();
                sequences.forEach(s -> s.fail(closedError));
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
        // the step's newcomers, not yet rows of the batch: an error that ends the loop fails them with the rows
        List<DecodingSequence> joining = List.of();
        try {
            while (true) {
                joining = new ArrayList<>();
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
                } catch (OutOfMemoryError | StackOverflowError e) {
                    // this step's requests fail and their memory goes with the batch; the engine serves the next ones
                    LOG.error("an engine step failed: the requests in it fail, the engine goes on", e);
                    failBatch(joining, new GenerationException("the engine's step failed: " + e, e));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Error e) {
            // nothing this thread does is safe to go on with after it: the engine stops (logged here, once), and every
            // request, running, waiting or submitted later, fails saying why
            LOG.error("the engine stopped", e);
            synchronized (lock) {
                stoppedBy = e;
            }
        } finally {
            GenerationException closedError;
            synchronized (lock) {
                closed = true;
                closedError = closedError();
                waiting.forEach(s -> s.fail(closedError));
                waiting.clear();
            }
            failBatch(joining, closedError);
            prefixes.close();
        }
    }

    /** What a request the engine can no longer run fails with. Holds the lock. */
    private GenerationException closedError() {
        return stoppedBy == null ? new GenerationException("the engine is closed")
                : new GenerationException("the engine stopped after an error: " + stoppedBy, stoppedBy);
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
     * Prefills the newcomers — each on top of a kept or running row's cache when its prompt starts with enough of
     * what that cache holds ({@link #resume}), the others in passes of similar prompt lengths ({@link PrefillGroups})
     * — gives each its first token, and merges the unfinished ones into the running batch. A newcomer whose reused
     * cache holds all its prompt but the last token (a conversation going on from its own last round) joins the batch
     * on that cache with no pass: the coming decode step runs its last prompt token like any row's last sampled one.
     */
    private void admit(List<DecodingSequence> newcomers) throws OrtException {
        List<KvCache> prefills = new ArrayList<>();
        try {
            FirstTokens first = new FirstTokens();
            keepLiveRows(first.slices, first.merged);
            boolean batchWasIdle = first.merged.isEmpty();
            List<DecodingSequence> fresh = new ArrayList<>();
            for (Resumption resumption : resumptions(newcomers, fresh)) {
                if (resumption.lastPromptTokenOnly()) {
                    first.joinDecodeStep(resumption);
                    continue;
                }
                KvCache resumed = resume(resumption, fresh);
                if (resumed != null) {
                    prefills.add(resumed);
                    first.take(resumed, resumption.rows(), resumed.length());
                }
            }
            int[] lengths = fresh.stream().mapToInt(s -> s.promptIds().length).toArray();
            for (int[] group : PrefillGroups.split(lengths)) {
                List<DecodingSequence> pass = new ArrayList<>();
                for (int index : group) {
                    pass.add(fresh.get(index));
                }
                int width = pass.get(pass.size() - 1).promptIds().length;
                KvCache prefilled = prefill(pass, width);
                prefills.add(prefilled);
                first.take(prefilled, pass, width);
            }
            if (batchWasIdle && prefills.size() == 1 && first.joiningDecodeStep == 0) {
                // the common case of an idle engine: the prefill's cache is the batch, no copy
                closeCache();
                cache = prefills.remove(0);
                rows = first.lastPassRows;
                padding = first.lastPassPadding;
            } else if (first.merged.isEmpty()) {
                clearBatch();
            } else {
                replaceCache(first.slices, first.merged);
            }
            // only now: keeping may evict kept caches that rows joining the decode step were gathered from
            keep(first.finishedSlices, first.finished);
        } finally {
            prefills.forEach(KvCache::close);
        }
    }

    /**
     * What one admission leaves: first tokens taken from its passes, rows to merge into the batch (those joining the
     * decode step with their first token still to come among them), rows finished at once.
     */
    private final class FirstTokens {
        final List<KvCache.RowSlice> slices = new ArrayList<>();
        final List<DecodingSequence> merged = new ArrayList<>();
        final List<KvCache.RowSlice> finishedSlices = new ArrayList<>();
        final List<DecodingSequence> finished = new ArrayList<>();
        DecodingSequence[] lastPassRows;
        int[] lastPassPadding;
        int joiningDecodeStep;

        /** Merges rows on their reused caches (all their prompts but the last token): their decode step prefills. */
        void joinDecodeStep(Resumption resumption) {
            for (int i = 0; i < resumption.rows().size(); i++) {
                DecodingSequence sequence = resumption.rows().get(i);
                int kept = sequence.promptIds().length - 1;
                slices.add(resumption.matches().get(i).leading(kept));
                merged.add(sequence);
                sequence.feedLastPromptTokenNext();
                reusedTokens.addAndGet(kept);
                prefilledTokens.incrementAndGet();
                joiningDecodeStep++;
            }
        }

        /**
         * Takes each row's first token, from the logits of the last token of the pass just run (the logits buffer is
         * reused by the next run).
         *
         * @param width the pass's cache columns: rows are left-padded to it
         */
        void take(KvCache prefilled, List<DecodingSequence> pass, int width) {
            int lastPosition = forward.lastSequenceLength() - 1;
            lastPassRows = new DecodingSequence[pass.size()];
            lastPassPadding = new int[pass.size()];
            generatedTokens.addAndGet(pass.size());
            for (int i = 0; i < pass.size(); i++) {
                DecodingSequence sequence = pass.get(i);
                int length = sequence.promptIds().length;
                lastPassPadding[i] = width - length;
                forward.copyLogits(i, lastPosition, sequence.logits());
                KvCache.RowSlice slice = KvCache.RowSlice.tail(prefilled, i, length);
                if (!sequence.accept()) {
                    lastPassRows[i] = sequence;
                    slices.add(slice);
                    merged.add(sequence);
                } else if (keeps(sequence, length)) {
                    finishedSlices.add(slice);
                    finished.add(sequence);
                }
            }
        }
    }

    /**
     * Where a newcomer's prompt resumes: the first {@code sharedTokens} tokens of one row of a cache, from column
     * {@code from} — a kept cache's only row, or a running row of the batch's cache past its left padding.
     */
    private record Reuse(KvCache source, int row, int from, int sharedTokens) {

        /** The first {@code count} of the reused tokens' columns. */
        KvCache.RowSlice leading(int count) {
            return new KvCache.RowSlice(source, row, from, count);
        }
    }

    /**
     * Newcomers that resume together in one pass, each with the cache it continues; or rows whose reused caches hold
     * all their prompts but the last token, which need no pass ({@link #lastPromptTokenOnly}).
     */
    private record Resumption(List<DecodingSequence> rows, List<Reuse> matches) {

        /** Whether these rows have one prompt token left each ({@link #resumptions} never mixes them with others). */
        boolean lastPromptTokenOnly() {
            return rows.get(0).promptIds().length - matches.get(0).sharedTokens() == 1;
        }
    }

    /**
     * Sorts the newcomers: those whose prompts start with at least {@value #MIN_REUSED_TOKENS} tokens of a kept cache
     * or of a running row ({@link #longestReuse}) resume on top of the one sharing the most — those with one token
     * left all together, first, the others in passes of similar rests ({@link PrefillGroups}, as fresh prompts are
     * grouped: a pass runs its longest rest for every row); the others go to {@code fresh}, to prefill in full.
     */
    private List<Resumption> resumptions(List<DecodingSequence> newcomers, List<DecodingSequence> fresh) {
        List<DecodingSequence> resuming = new ArrayList<>();
        List<Reuse> matches = new ArrayList<>();
        List<DecodingSequence> oneLeft = new ArrayList<>();
        List<Reuse> oneLeftMatches = new ArrayList<>();
        for (DecodingSequence sequence : newcomers) {
            Optional<Reuse> match = longestReuse(sequence.promptIds());
            if (match.isEmpty()) {
                fresh.add(sequence);
            } else if (match.get().sharedTokens() == sequence.promptIds().length - 1) {
                oneLeft.add(sequence);
                oneLeftMatches.add(match.get());
            } else {
                resuming.add(sequence);
                matches.add(match.get());
            }
        }
        List<Resumption> passes = new ArrayList<>();
        if (!oneLeft.isEmpty()) {
            passes.add(new Resumption(oneLeft, oneLeftMatches));
        }
        int[] rests = new int[resuming.size()];
        for (int i = 0; i < rests.length; i++) {
            rests[i] = resuming.get(i).promptIds().length - matches.get(i).sharedTokens();
        }
        for (int[] group : PrefillGroups.split(rests)) {
            List<DecodingSequence> rows = new ArrayList<>(group.length);
            List<Reuse> kept = new ArrayList<>(group.length);
            for (int index : group) {
                rows.add(resuming.get(index));
                kept.add(matches.get(index));
            }
            passes.add(new Resumption(rows, kept));
        }
        return passes;
    }

    /**
     * The cache sharing the most leading tokens with {@code prompt}, if at least {@value #MIN_REUSED_TOKENS}: a kept
     * one, or a running row's, since a prompt may arrive while the row it continues still runs — a client that cuts a
     * stream itself (the loop's upstream steps over HTTP stop reading at the end of a sentence) is back with the next
     * step's prompt before the server has noticed it left, and would otherwise prefill what that row holds again
     * (vLLM's prefix cache likewise shares a running request's blocks). Read the reused columns before the batch's
     * cache changes. None with prefix caching off.
     */
    private Optional<Reuse> longestReuse(int[] prompt) {
        if (!prefixes.enabled()) {
            return Optional.empty();
        }
        int most = prompt.length - 1; // one prompt token at least must run: its logits give the first new token
        Reuse best = prefixes.longestMatch(prompt, most)
                .map(kept -> new Reuse(kept.entry().cache(), 0, 0, kept.sharedTokens()))
                .orElse(null);
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] == null) {
                continue;
            }
            int cached = cache.length() - padding[r];
            int shared = Math.min(Math.min(rows[r].sharedWithFed(prompt), cached), most);
            if (shared >= MIN_REUSED_TOKENS && (best == null || shared > best.sharedTokens())) {
                best = new Reuse(cache, r, padding[r], shared);
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Prefills one pass of resuming rows, each on top of its reused cache (copied: it stays kept, or runs on), so that
     * only the rest of each prompt runs. The pass runs the same number of tokens for every row, the longest rest among
     * them: a row with a shorter rest runs a few of its reused tokens again, so that its past and its new tokens meet
     * without a hole. A row whose prompt is too short to keep {@value #MIN_REUSED_TOKENS} tokens beside that rest moves
     * to {@code fresh}.
     *
     * @param resumption the pass's rows, in the returned cache's row order once those moved to {@code fresh} are gone
     * @return the rows' cache (rows left-padded to its length), or null when none is left to resume
     */
    private KvCache resume(Resumption resumption, List<DecodingSequence> fresh) throws OrtException {
        List<DecodingSequence> resuming = resumption.rows();
        List<Reuse> matches = resumption.matches();
        int seq = 0;
        for (boolean settled = false; !settled; ) {
            seq = 0;
            for (int i = 0; i < resuming.size(); i++) {
                seq = Math.max(seq, resuming.get(i).promptIds().length - matches.get(i).sharedTokens());
            }
            settled = true;
            for (int i = resuming.size() - 1; i >= 0; i--) {
                if (resuming.get(i).promptIds().length - seq < MIN_REUSED_TOKENS) {
                    fresh.add(resuming.remove(i));
                    matches.remove(i);
                    settled = false;
                }
            }
        }
        if (resuming.isEmpty()) {
            return null;
        }
        int count = resuming.size();
        List<KvCache.RowSlice> pasts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            pasts.add(matches.get(i).leading(resuming.get(i).promptIds().length - seq));
        }
        int pastLength = pasts.stream().mapToInt(KvCache.RowSlice::count).max().orElseThrow();
        int width = pastLength + seq;
        long[] ids = new long[count * seq];
        long[] positions = new long[count * seq];
        long[] mask = new long[count * width];
        for (int i = 0; i < count; i++) {
            int[] prompt = resuming.get(i).promptIds();
            int kept = prompt.length - seq;
            for (int j = 0; j < seq; j++) {
                ids[i * seq + j] = prompt[kept + j];
                positions[i * seq + j] = kept + j;
            }
            Arrays.fill(mask, i * width + pastLength - kept, (i + 1) * width, 1L);
            reusedTokens.addAndGet(kept);
        }
        prefilledTokens.addAndGet((long) count * seq);
        try (KvCache past = KvCache.gather(env, signature, buffers, pasts, pastLength)) {
            return prefillPass(count, seq, ids, mask, positions, past);
        }
    }

    /** Whether a finished (or cancelled) sequence's cache is kept for a later prompt that starts the same way. */
    private boolean keeps(DecodingSequence sequence, int cachedTokens) {
        if (prefixes.tooLarge(cachedTokens) && !toldTooLarge) {
            toldTooLarge = true;
            LOG.warn("a finished request's KV cache of {} tokens ({} MB) is larger than the prefix cache; raise "
                    + "streamaligner.engine.prefix-cache-mb for its prompt to be reused", cachedTokens,
                    cachedTokens * signature.kvBytesPerToken() / (1024 * 1024));
        }
        return !sequence.result().isCompletedExceptionally() && prefixes.keeps(cachedTokens);
    }

    /**
     * Keeps finished (or cancelled) sequences' rows, copied out of the batch's cache, for later prompts that start the
     * same way. Best effort: a copy that fails (memory) only costs the reuse, never the batch.
     */
    private void keep(List<KvCache.RowSlice> slices, List<DecodingSequence> finished) {
        if (slices.isEmpty()) {
            return;
        }
        List<KvCache> split;
        try {
            split = KvCache.splitRows(env, signature, buffers, slices);
        } catch (OrtException | RuntimeException | OutOfMemoryError e) {
            LOG.warn("could not keep {} finished requests' KV caches for reuse: {}", slices.size(), e.toString());
            return;
        }
        int given = 0;
        try {
            for (; given < split.size(); given++) {
                // the row holds exactly the tokens fed (put checks, and closes a cache it refuses)
                prefixes.put(finished.get(given).fedTokens(), split.get(given));
            }
        } finally {
            // after a put that threw, the rest of the split has no owner but this method
            for (int i = given + 1; i < split.size(); i++) {
                split.get(i).close();
            }
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
            prefilledTokens.addAndGet(prompt.length);
        }
        try (KvCache empty = KvCache.empty(env, signature, count)) {
            return prefillPass(count, width, ids, mask, positions, empty);
        }
    }

    /** A forward pass over prompt tokens (fresh, or on kept caches), counted for the engine's statistics. */
    private KvCache prefillPass(int rowCount, int seq, long[] ids, long[] mask, long[] positions, KvCache past)
            throws OrtException {
        prefillPasses.incrementAndGet();
        return run(rowCount, seq, ids, mask, positions, past);
    }

    /** A forward pass, timed for the engine's statistics. */
    private KvCache run(int rowCount, int seq, long[] ids, long[] mask, long[] positions, KvCache past)
            throws OrtException {
        long start = System.nanoTime();
        try {
            return forward.run(rowCount, seq, ids, mask, positions, past);
        } finally {
            forwardNanos.addAndGet(System.nanoTime() - start);
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
        KvCache next = run(count, 1, ids, maskScratch, positions, cache);
        decodeSteps.incrementAndGet();
        cache.close();
        cache = next;
        List<KvCache.RowSlice> finishedSlices = new ArrayList<>();
        List<DecodingSequence> finished = new ArrayList<>();
        generatedTokens.addAndGet(liveRows());
        for (int r = 0; r < count; r++) {
            if (rows[r] != null) {
                forward.copyLogits(r, 0, rows[r].logits());
                if (rows[r].accept()) {
                    int cached = length + 1 - padding[r];
                    if (keeps(rows[r], cached)) {
                        finishedSlices.add(KvCache.RowSlice.tail(cache, r, cached));
                        finished.add(rows[r]);
                    }
                    rows[r] = null;
                }
            }
        }
        keep(finishedSlices, finished);
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
                slices.add(KvCache.RowSlice.tail(cache, r, cache.length() - padding[r]));
                kept.add(rows[r]);
            }
        }
    }

    private void replaceCache(List<KvCache.RowSlice> slices, List<DecodingSequence> kept) throws OrtException {
        int length = slices.stream().mapToInt(KvCache.RowSlice::count).max().orElse(0);
        KvCache gathered = KvCache.gather(env, signature, buffers, slices, length);
        closeCache();
        cache = gathered;
        rows = kept.toArray(DecodingSequence[]::new);
        padding = new int[rows.length];
        for (int r = 0; r < rows.length; r++) {
            padding[r] = length - slices.get(r).count();
        }
    }

    /**
     * Drops the rows whose callers gave up, keeping each one's cache as a finished row's is kept: what it was fed is
     * as good a prefix as a finished row's. A client that stops a stream once it has what it needs (the loop's
     * upstream steps over HTTP end by disconnecting at the end of a sentence) comes back with a prompt that starts
     * with it, as vLLM's and SGLang's prefix caches also keep an aborted request's blocks.
     */
    private void retireCancelled() {
        List<KvCache.RowSlice> slices = new ArrayList<>();
        List<DecodingSequence> retired = new ArrayList<>();
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] != null && rows[r].cancelled()) {
                int cached = cache.length() - padding[r];
                if (keeps(rows[r], cached)) { // before failing it: a failed sequence's cache is not kept
                    slices.add(KvCache.RowSlice.tail(cache, r, cached));
                    retired.add(rows[r]);
                }
                failIfCancelled(rows[r]);
                rows[r] = null;
            }
        }
        keep(slices, retired);
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
