package io.streamaligner.inference.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The KV caches of finished sequences, kept so that a later prompt that starts with the same tokens prefills only the
 * rest: the loop's next round re-sends the question and the grown answer, so its prompt starts with most of what the
 * last round's cache holds (servers call this automatic prefix caching). A prompt resumes from the kept cache that
 * shares the most leading tokens with it, which stays kept (others may share the same start, a system prompt say); a
 * newly kept cache replaces those whose tokens it starts with. At most {@code maxBytes} are kept, the least recently
 * used going first. Engine-thread only.
 *
 * <p>A prompt is worth resuming only when it shares at least {@code minShared} leading tokens with a kept cache, so
 * the caches are filed by their first {@code minShared} tokens and a prompt is compared with those filed under its own
 * opening only: a long-lived engine keeps hundreds of caches, and comparing every prompt with each of them showed in
 * its profile. (Prompts that all open alike, a long shared system prompt say, still meet them all.)
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
    private final int minShared;
    /** Access-ordered: the eldest is the least recently used. */
    private final LinkedHashMap<Long, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    /**
     * The kept caches by a hash of their first {@link #minShared} tokens ({@link #opening}), by id; reading them here
     * leaves {@link #entries}' order alone.
     */
    private final Map<Long, Map<Long, Entry>> byOpening = new HashMap<>();
    private long nextId;
    private long bytes;

    /**
     * @param maxBytes  the memory the kept caches may take; 0 keeps none
     * @param minShared the fewest leading tokens a prompt must share with a kept cache to resume from it
     */
    PrefixCache(long maxBytes, long bytesPerToken, int minShared) {
        if (maxBytes < 0 || bytesPerToken <= 0 || minShared < 1) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + ", bytesPerToken " + bytesPerToken
                    + ", minShared " + minShared);
        }
        this.maxBytes = maxBytes;
        this.bytesPerToken = bytesPerToken;
        this.minShared = minShared;
    }

    /** Whether prefix caching is on at all (a bound of 0 turns it off, reuse of running rows' caches too). */
    boolean enabled() {
        return maxBytes > 0;
    }

    /** Whether a cache of this many tokens would be kept: one a prompt could resume from, within the bound. */
    boolean keeps(int tokens) {
        return tokens >= minShared && (long) tokens * bytesPerToken <= maxBytes;
    }

    /** Whether caches are kept at all but one of this many tokens is too large for the bound. */
    boolean tooLarge(int tokens) {
        return maxBytes > 0 && (long) tokens * bytesPerToken > maxBytes;
    }

    /**
     * The kept cache sharing the most leading tokens with {@code prompt} (counting at most {@code maxShared}), if it
     * shares at least {@code minShared}. It stays kept (and owned by this cache): read it before the next {@link #put}.
     */
    Optional<Match> longestMatch(int[] prompt, int maxShared) {
        if (prompt.length < minShared || maxShared < minShared) {
            return Optional.empty();
        }
        Long best = null;
        int bestShared = minShared - 1;
        for (Map.Entry<Long, Entry> candidate : byOpening.getOrDefault(opening(prompt), Map.of()).entrySet()) {
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
        List<Long> superseded = new ArrayList<>();
        byOpening.getOrDefault(opening(tokens), Map.of()).forEach((id, older) -> {
            if (older.tokens().length <= tokens.length
                    && commonPrefix(older.tokens(), tokens) == older.tokens().length) {
                superseded.add(id);
            }
        });
        superseded.forEach(this::remove);
        long id = nextId++;
        Entry entry = new Entry(tokens, cache);
        entries.put(id, entry);
        byOpening.computeIfAbsent(opening(tokens), opening -> new HashMap<>()).put(id, entry);
        bytes += size(entry);
        while (bytes > maxBytes && !entries.isEmpty()) {
            remove(entries.keySet().iterator().next()); // the least recently used
        }
    }

    private void remove(Long id) {
        Entry removed = entries.remove(id);
        long opening = opening(removed.tokens());
        Map<Long, Entry> filed = byOpening.get(opening);
        filed.remove(id);
        if (filed.isEmpty()) {
            byOpening.remove(opening);
        }
        bytes -= size(removed);
        removed.cache().close();
    }

    /** A hash of the first {@link #minShared} tokens: equal for all that open alike (a collision costs a compare). */
    private long opening(int[] tokens) {
        long hash = 1;
        for (int i = 0; i < minShared; i++) {
            hash = 31 * hash + tokens[i];
        }
        return hash;
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
        byOpening.clear();
        bytes = 0;
    }

    private long size(Entry entry) {
        return entry.tokens().length * bytesPerToken;
    }
}
