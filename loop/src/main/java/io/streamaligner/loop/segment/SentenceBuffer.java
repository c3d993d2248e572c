package io.streamaligner.loop.segment;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects streamed text deltas and hands back each sentence as soon as {@link SentenceSegmenter} can
 * decide where it ends. Sentences come back stripped of surrounding whitespace; blank text never makes
 * one. However the text is cut into deltas, the sentences are those of {@link SentenceSegmenter#split}.
 *
 * <p>Not thread-safe: one buffer per stream. To keep a stream across restarts, store
 * {@link #pendingText()} and resume with {@link #SentenceBuffer(String)}.
 */
public final class SentenceBuffer {

    private final StringBuilder pending;

    /** An empty buffer at the start of a stream. */
    public SentenceBuffer() {
        this("");
    }

    /** A buffer that resumes a stream whose undecided text was {@code pendingText}. */
    public SentenceBuffer(String pendingText) {
        this.pending = new StringBuilder(requireNonNull(pendingText, "pendingText"));
    }

    /** Adds the next delta and returns the sentences it completed, in order (often none). */
    public List<String> append(CharSequence delta) {
        pending.append(requireNonNull(delta, "delta"));
        return takeSentences(false);
    }

    /** Ends the stream: returns the sentences still pending, the last one ending wherever the text does. */
    public List<String> finish() {
        return takeSentences(true);
    }

    /** The text received but not yet returned as a sentence (leading whitespace included). */
    public String pendingText() {
        return pending.toString();
    }

    private List<String> takeSentences(boolean endOfStream) {
        List<String> sentences = new ArrayList<>(1);
        int end;
        while ((end = SentenceSegmenter.firstSentenceEnd(pending, endOfStream)) >= 0) {
            String sentence = pending.substring(0, end).strip();
            pending.delete(0, end);
            if (!sentence.isEmpty()) {
                sentences.add(sentence);
            }
        }
        if (endOfStream) {
            pending.setLength(0); // only whitespace can be left
        }
        return sentences;
    }
}
