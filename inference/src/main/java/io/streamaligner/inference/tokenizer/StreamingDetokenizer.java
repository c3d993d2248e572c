package io.streamaligner.inference.tokenizer;

import java.util.Arrays;
import java.util.Objects;

/**
 * Turns generated token ids, one at a time, into text deltas that never split a character.
 *
 * <p>Byte-level BPE splits a multi-byte character over several tokens, and SentencePiece decoders drop a
 * leading space at the start of a decode, so a token cannot be decoded alone. Instead a short window of ids is
 * decoded twice, without and with the new ids, and only the difference is emitted; while the decoded text ends
 * in U+FFFD (an incomplete character) it is held back. The window starts on the last few prompt tokens so the
 * first generated token decodes in context.
 *
 * <p>Not thread-safe: one instance per sequence.
 */
public final class StreamingDetokenizer {

    private static final char REPLACEMENT = '\uFFFD';
    private static final int PROMPT_CONTEXT_TOKENS = 4;

    private final Tokenizer tokenizer;
    private int[] ids;
    private int size;
    /** First id of the decoding window. */
    private int windowStart;
    /** Ids before this one have been emitted as text. */
    private int emittedEnd;

    public StreamingDetokenizer(Tokenizer tokenizer, int[] promptIds) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(promptIds, "promptIds");
        int context = Math.min(PROMPT_CONTEXT_TOKENS, promptIds.length);
        this.ids = Arrays.copyOfRange(promptIds, promptIds.length - context, promptIds.length + 16);
        this.size = context;
        this.windowStart = 0;
        this.emittedEnd = context;
    }

    /** @return the new complete text this token finishes, possibly empty */
    public String accept(int tokenId) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, ids.length * 2);
        }
        ids[size++] = tokenId;
        String emitted = tokenizer.decode(ids, windowStart, emittedEnd);
        String decoded = tokenizer.decode(ids, windowStart, size);
        if (decoded.length() <= emitted.length() || decoded.charAt(decoded.length() - 1) == REPLACEMENT) {
            return "";
        }
        windowStart = emittedEnd;
        emittedEnd = size;
        return decoded.substring(emitted.length());
    }

    /** @return text held back so far, without a trailing incomplete character; call once at the end */
    public String flush() {
        String emitted = tokenizer.decode(ids, windowStart, emittedEnd);
        String decoded = tokenizer.decode(ids, windowStart, size);
        int end = decoded.length();
        while (end > emitted.length() && decoded.charAt(end - 1) == REPLACEMENT) {
            end--;
        }
        windowStart = emittedEnd;
        emittedEnd = size;
        return end > emitted.length() ? decoded.substring(emitted.length(), end) : "";
    }
}
