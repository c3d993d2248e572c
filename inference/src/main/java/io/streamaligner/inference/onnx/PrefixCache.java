package io.streamaligner.inference.onnx;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The KV caches of finished sequences, kept so that a later prompt that starts with the same tokens prefills only the
 * rest: the loop's next round re-sends the question and the grown answer, so its prompt starts with most of what the
 * last round's cache holds (servers call this automatic prefix caching). A prompt resumes from the kept cache that
 * shares the most leading tokens with it, which stays kept (others may share the same start, a system prompt say); a
 * newly kept cache replaces those whose tokens it starts with. At most {@code maxBytes} are kept, the least recently
 * used going first. Engine-thread only.
 */
final class PrefixCache implements AutoCloseable {

    /**
     * A kept cache.
     *
     * @param tokens the token ids whose keys and values {@code cache} holds, in order
     * @param cache  one row, {@code tokens.length} columns, no padding
     */
    record Entry(int[] tokens, KvCache cache) {
    }

    /** The kept cache a prompt resumes from, and how many of its leading tokens the prompt shares. */
    record Match(Entry entry, int sharedTokens) {
    }

    private final long maxBytes;
    private final long bytesPerToken;
    /** Access-ordered: the eldest is the least recently used. */
    private final LinkedHashMap<Long, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long nextId;
    private long bytes;

    /** @param maxBytes the memory the kept caches may take; 0 keeps none */
    PrefixCache(long maxBytes, long bytesPerToken) {
        if (maxBytes < 0 || bytesPerToken <= 0) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + ", bytesPerToken " + bytesPerToken);
        }
        this.maxBytes = maxBytes;
        this.bytesPerToken = bytesPerToken;
    }

    /** Whether prefix caching is on at all (a bound of 0 turns it off, reuse of running rows' caches too). */
    boolean enabled() {
        return maxBytes > 0;
    }

    /** Whether a cache of this many tokens would be kept. */
    boolean keeps(int tokens) {
        return tokens > 0 && (long) tokens * bytesPerToken <= maxBytes;
    }

    /** Whether caches are kept at all but one of this many tokens is too large for the bound. */
    boolean tooLarge(int tokens) {
        return maxBytes > 0 && (long) tokens * bytesPerToken > maxBytes;
    }

    /**
     * The kept cache sharing the most leading tokens with {@code prompt} (counting at most {@code maxShared}), if it
     * shares at least {@code minShared}. It stays kept (and owned by this cache): read it before the next {@link #put}.
     */
    Optional<Match> longestMatch(int[] prompt, int minShared, int maxShared) {
        Long best = null;
        int bestShared = minShared - 1;
        for (Map.Entry<Long, Entry> candidate : entries.entrySet()) {
            int shared = Math.min(commonPrefix(candidate.getValue().tokens(), prompt), maxShared);
            if (shared > bestShared) {
                best = candidate.getKey();
                bestShared = shared;
            }
        }
        return best == null ? Optional.empty() : Optional.of(new Match(entries.get(best), bestShared)); // get: used
    }

    /** Keeps {@code cache} (taking ownership), evicting the eldest beyond the bound; one too large is closed at once. */
    void put(int[] tokens, KvCache cache) {
        if (cache.rows() != 1 || cache.length() != tokens.length) {
            cache.close();
            throw new IllegalArgumentException("a kept cache is one row of its tokens, got " + cache.rows() + " rows of "
                    + cache.length() + " for " + tokens.length + " tokens");
        }
        if (!keeps(tokens.length)) {
            cache.close();
            return;
        }
        // a cache this one starts with holds nothing this one does not: the next round's prompt matches this one
        for (Iterator<Entry> kept = entries.values().iterator(); kept.hasNext(); ) {
            Entry older = kept.next();
            if (older.tokens().length <= tokens.length && commonPrefix(older.tokens(), tokens) == older.tokens().length) {
                kept.remove();
                bytes -= size(older);
                older.cache().close();
            }
        }
        Entry entry = new Entry(tokens, cache);
        entries.put(nextId++, entry);
        bytes += size(entry);
        Iterator<Entry> eldest = entries.values().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            Entry evicted = eldest.next();
            eldest.remove();
            bytes -= size(evicted);
            evicted.cache().close();
        }
    }

    int size() {
        return entries.size();
    }

    long bytes() {
        return bytes;
    }

    /** How many leading tokens {@code a} and {@code b} share. */
    static int commonPrefix(int[] a, int[] b) {
        int limit = Math.min(a.length, b.length);
        int i = 0;
        while (i < limit && a[i] == b[i]) {
            i++;
        }
        return i;
    }

    @Override
    public void close() {
        entries.values().forEach(entry -> entry.cache().close());
        entries.clear();
        bytes = 0;
    }

    private long size(Entry entry) {
        return entry.tokens().length * bytesPerToken;
    }
}
