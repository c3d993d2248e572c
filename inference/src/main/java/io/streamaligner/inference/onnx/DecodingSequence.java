package io.streamaligner.inference.onnx;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.StoppingText;
import io.streamaligner.inference.sampling.SequenceSampler;
import io.streamaligner.inference.tokenizer.StreamingDetokenizer;
import io.streamaligner.inference.tokenizer.Tokenizer;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * One request while it is generated: its prompt ids, sampler, streaming text, stop rules and the future its
 * caller waits on. Only the engine thread calls its methods, except {@link #cancel()} and {@link #result()}.
 */
final class DecodingSequence {

    /** Token ids that end generation, and what each one means. */
    record EndTokens(int[] eosIds, int endOfAnswerId) {

        static final int NONE = -1;

        FinishReason reasonFor(int token) {
            if (token == endOfAnswerId) {
                return FinishReason.END_OF_ANSWER;
            }
            for (int eos : eosIds) {
                if (token == eos) {
                    return FinishReason.EOS;
                }
            }
            return null;
        }

        void suppress(float[] logits) {
            for (int eos : eosIds) {
                if (eos >= 0 && eos < logits.length) {
                    logits[eos] = Float.NEGATIVE_INFINITY;
                }
            }
            if (endOfAnswerId >= 0 && endOfAnswerId < logits.length) {
                logits[endOfAnswerId] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    private final CompletionRequest request;
    private final int[] promptIds;
    private final int maxNewTokens;
    private final EndTokens endTokens;
    private final SequenceSampler sampler;
    private final StreamingDetokenizer detokenizer;
    /** (vocab) this sequence's row of logits, overwritten by the sampler each step. */
    private final float[] logits;
    /** The text streamed so far; cut to the stop condition's index once it stops. */
    private final StoppingText text;
    private final CompletableFuture<Completion> result = new CompletableFuture<>();
    private volatile boolean cancelled;

    private int generated;
    /** (generated) the tokens sampled so far, for the prefix cache. */
    private int[] sampled = new int[16];
    private int lastToken = -1;
    private FinishReason finishReason;
    private final long submittedNanos;

    /**
     * @param maxNewTokens   the request's limit, already lowered to what the model's context leaves
     * @param submittedNanos when the caller submitted the request ({@link System#nanoTime()}), which its
     *                       {@link Completion#nanos()} counts from
     */
    DecodingSequence(CompletionRequest request, int[] promptIds, int maxNewTokens, EndTokens endTokens,
                     Tokenizer tokenizer, int vocabSize, DeltaListener listener, long submittedNanos) {
        this.request = request;
        this.submittedNanos = submittedNanos;
        this.text = new StoppingText(request.stop(), request.id(), listener);
        this.promptIds = promptIds;
        this.maxNewTokens = maxNewTokens;
        this.endTokens = endTokens;
        this.sampler = SequenceSampler.create(request.sampling(), vocabSize, promptIds);
        this.detokenizer = new StreamingDetokenizer(tokenizer, promptIds);
        this.logits = new float[vocabSize];
    }

    CompletionRequest request() {
        return request;
    }

    int[] promptIds() {
        return promptIds;
    }

    /**
     * The tokens whose keys and values the engine's cache holds for this sequence: the prompt and every sampled token
     * fed back so far (all but the last one sampled).
     */
    int[] fedTokens() {
        int fed = Math.max(0, generated - 1);
        int[] tokens = Arrays.copyOf(promptIds, promptIds.length + fed);
        System.arraycopy(sampled, 0, tokens, promptIds.length, fed);
        return tokens;
    }

    /** How many leading tokens {@code tokens} shares with {@link #fedTokens()}, without copying those. */
    int sharedWithFed(int[] tokens) {
        int limit = Math.min(tokens.length, promptIds.length + Math.max(0, generated - 1));
        int i = 0;
        while (i < limit && tokens[i] == (i < promptIds.length ? promptIds[i] : sampled[i - promptIds.length])) {
            i++;
        }
        return i;
    }

    /** The token to feed next: the one sampled last (or the prompt's last, see {@link #feedLastPromptTokenNext}). */
    int lastToken() {
        return lastToken;
    }

    /**
     * For a sequence that joins the batch on a kept cache holding all its prompt but the last token: that token is
     * the next to feed, and the decode step that runs it gives the sequence its first token.
     */
    void feedLastPromptTokenNext() {
        lastToken = promptIds[promptIds.length - 1];
    }

    /** This sequence's logits row, for the engine to fill before {@link #accept}. */
    float[] logits() {
        return logits;
    }

    CompletableFuture<Completion> result() {
        return result;
    }

    boolean cancelled() {
        return cancelled;
    }

    void cancel() {
        cancelled = true;
    }

    /**
     * Samples the next token from {@link #logits()} and applies it: streams its text, checks the stop rules.
     *
     * @return whether the sequence has finished (its future is then complete)
     */
    boolean accept() {
        if (generated < request.minNewTokens()) {
            endTokens.suppress(logits);
        }
        int token = sampler.next(logits);
        lastToken = token;
        if (generated == sampled.length) {
            sampled = Arrays.copyOf(sampled, generated * 2);
        }
        sampled[generated] = token;
        generated++;
        try {
            FinishReason end = endTokens.reasonFor(token);
            if (end != null) {
                emit(detokenizer.flush());
                return finish(end);
            }
            emit(detokenizer.accept(token));
            if (finishReason == null && generated >= maxNewTokens) {
                emit(detokenizer.flush());
                return finish(FinishReason.LENGTH);
            }
        } catch (RuntimeException e) {
            fail(new GenerationException("request " + request.id() + ": a listener or stop condition failed: "
                    + e.getMessage(), e));
            return true;
        }
        return finishReason != null && finish(finishReason);
    }

    void fail(Throwable error) {
        result.completeExceptionally(error);
    }

    /** Hands a delta to the listener, cut where the stop condition says. */
    private void emit(String delta) {
        if (finishReason == null && text.append(delta)) {
            finishReason = FinishReason.STOP;
        }
    }

    private boolean finish(FinishReason reason) {
        if (finishReason == null) {
            finishReason = reason;
        }
        // what the stop condition held back belongs to the text now (nothing is held back after a cut)
        text.release();
        result.complete(new Completion(request.id(), text.text(), finishReason, promptIds.length, generated,
                System.nanoTime() - submittedNanos));
        return true;
    }
}
