package io.streamaligner.ops.bench;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.Generation;
import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.TextGenerator;
import io.streamaligner.loop.AlignerPrompt;
import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.loop.UpstreamPrompt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Simulated-latency models, the shape of a large GPU server behind the loop: each writes scripted text one token per
 * tick of a timer, so a call takes its tokens × the time per token without using the CPU, and any number of calls
 * run at once. They measure what the loop itself costs around slow models, on a small machine.
 *
 * <p>The upstream's answer is {@code rounds} sentences of {@value #SENTENCE_TOKENS} tokens each ("Sentence k has a
 * few words in it that take their time to write down."); a token carries its trailing space, so the sentence
 * boundary is decided on its last token and the loop's sentence stop cuts there. It ends its answer after sentence
 * {@code rounds}. The aligner writes the sentence back token by token: unchanged, or, for a share of the sentences
 * ({@code changedShare}, drawn per request and sentence from a hash, so every run changes the same ones), with one
 * word changed.
 */
final class SimulatedLatencyModels implements AutoCloseable {

    static final int SENTENCE_TOKENS = 15;
    private static final String SEPARATOR = "\u001F";
    private static final String[] WORDS = {"has", "a", "few", "words", "in", "it", "that", "take", "their", "time", "to",
            "write", "down."};

    private final int rounds;
    private final Duration upstreamPerToken;
    private final Duration alignerPerToken;
    private final double changedShare;
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
        Thread thread = new Thread(task, "simulated-models-timer");
        thread.setDaemon(true);
        return thread;
    });

    SimulatedLatencyModels(int rounds, Duration upstreamPerToken, Duration alignerPerToken) {
        this(rounds, upstreamPerToken, alignerPerToken, 0);
    }

    /** @param changedShare the share of sentences the aligner changes, from 0 to 1 */
    SimulatedLatencyModels(int rounds, Duration upstreamPerToken, Duration alignerPerToken, double changedShare) {
        this.rounds = rounds;
        this.upstreamPerToken = upstreamPerToken;
        this.alignerPerToken = alignerPerToken;
        this.changedShare = changedShare;
        timer.setRemoveOnCancelPolicy(true);
    }

    /** Whether the aligner changes sentence {@code k} of request {@code requestId}: a hash, the same in every run. */
    boolean changes(String requestId, int k) {
        long mixed = (requestId.hashCode() * 0x9E3779B97F4A7C15L) ^ (k * 0xC2B2AE3D27D4EB4FL);
        mixed ^= mixed >>> 29;
        mixed *= 0xBF58476D1CE4E5B9L;
        mixed ^= mixed >>> 32;
        return Math.floorMod(mixed, 10_000) < Math.round(changedShare * 10_000);
    }

    AlignmentModels models() {
        UpstreamPrompt upstreamPrompt = (system, question, prefix) -> question + SEPARATOR + prefix;
        AlignerPrompt alignerPrompt = (question, prefix, last) -> question + SEPARATOR + prefix + SEPARATOR + last;
        return new AlignmentModels(new Simulated(true), upstreamPrompt, new Simulated(false), alignerPrompt);
    }

    /** Sentence {@code k}'s tokens, each with its trailing space but the last sentence's last. */
    static List<String> sentenceTokens(int k) {
        List<String> tokens = new ArrayList<>(SENTENCE_TOKENS);
        tokens.add("Sentence ");
        tokens.add(k + " ");
        for (String word : WORDS) {
            tokens.add(word + " ");
        }
        return tokens;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** One model: writes each call's tokens on the timer; cancelling a call stops it. */
    private final class Simulated implements TextGenerator {

        private final boolean upstream;

        Simulated(boolean upstream) {
            this.upstream = upstream;
        }

        @Override
        public Generation submit(CompletionRequest request, DeltaListener listener) {
            CompletableFuture<Completion> result = start(request, listener);
            return Generation.of(result, () -> result.completeExceptionally(new GenerationException("cancelled")));
        }

        private CompletableFuture<Completion> start(CompletionRequest request, DeltaListener listener) {
            CompletableFuture<Completion> result = new CompletableFuture<>();
            List<String> tokens;
            FinishReason finish;
            if (upstream) {
                String prefix = request.prompt().substring(request.prompt().indexOf(SEPARATOR) + 1);
                int next = prefix.isEmpty() ? 1 : prefix.split("Sentence ", -1).length;
                tokens = sentenceTokens(next);
                finish = next >= rounds ? FinishReason.EOS : FinishReason.LENGTH;
                if (next >= rounds) {
                    int last = tokens.size() - 1;
                    tokens.set(last, tokens.get(last).strip());
                }
            } else {
                String last = request.prompt().substring(request.prompt().lastIndexOf(SEPARATOR) + 1);
                int k = Integer.parseInt(last.split(" ")[1]);
                // the same number of tokens either way: a changed sentence takes as long to write
                String written = changes(request.id(), k) ? last.replace("words", "wordz") : last;
                tokens = List.of(written.split("(?<= )"));
                finish = FinishReason.EOS;
            }
            new Emission(request, listener, tokens, finish, upstream ? upstreamPerToken : alignerPerToken, result).next(0);
            return result;
        }

        @Override
        public void close() {
        }
    }

    /** One call's tokens on the timer, at fixed times from its start (no drift), honouring the caller's stop rule. */
    private final class Emission {

        private final CompletionRequest request;
        private final DeltaListener listener;
        private final List<String> tokens;
        private final FinishReason finish;
        private final long perTokenNanos;
        private final long startNanos = System.nanoTime();
        private final CompletableFuture<Completion> result;
        private final StringBuilder text = new StringBuilder();

        Emission(CompletionRequest request, DeltaListener listener, List<String> tokens, FinishReason finish,
                 Duration perToken, CompletableFuture<Completion> result) {
            this.request = request;
            this.listener = listener;
            this.tokens = tokens;
            this.finish = finish;
            this.perTokenNanos = perToken.toNanos();
            this.result = result;
        }

        void next(int emitted) {
            long due = startNanos + (emitted + 1) * perTokenNanos;
            timer.schedule(() -> {
                try {
                    emit(emitted);
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            }, Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        private void emit(int index) {
            if (result.isDone()) {
                return;
            }
            String token = tokens.get(index);
            int before = text.length();
            text.append(token);
            int cut = request.stop().stopAt(text.toString());
            if (cut >= 0) {
                text.setLength(cut);
                if (cut > before) {
                    listener.onDelta(request.id(), text.substring(before));
                }
                complete(FinishReason.STOP, index + 1);
                return;
            }
            listener.onDelta(request.id(), token);
            if (index + 1 == tokens.size() || index + 1 == request.maxNewTokens()) {
                complete(index + 1 == tokens.size() ? finish : FinishReason.LENGTH, index + 1);
            } else {
                next(index + 1);
            }
        }

        private void complete(FinishReason reason, int generated) {
            result.complete(new Completion(request.id(), text.toString(), reason, 16, generated,
                    System.nanoTime() - startNanos));
        }
    }
}
