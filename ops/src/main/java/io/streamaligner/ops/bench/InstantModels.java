package io.streamaligner.ops.bench;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.Generation;
import io.streamaligner.inference.TextGenerator;
import io.streamaligner.loop.AlignerPrompt;
import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.loop.UpstreamPrompt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Zero-latency models for measuring what the loop itself costs: the upstream answers every step at once with the
 * next sentence of a fixed script ("Sentence k."), ending the answer at sentence {@code rounds}; the aligner
 * keeps each sentence as it is. Both note, per request, the {@link System#nanoTime()} of every call. The gap between
 * a request's consecutive aligner calls is then one round of the loop with no model time in it.
 */
final class InstantModels {

    private static final String SEPARATOR = "\u001F";
    private static final Pattern SENTENCE = Pattern.compile("Sentence \\d+\\.");

    private final int rounds;
    private final Map<String, List<Long>> upstreamCallNanos = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> alignerCallNanos = new ConcurrentHashMap<>();

    /** @param rounds sentences per answer: the upstream ends its answer with the last one */
    InstantModels(int rounds) {
        this.rounds = rounds;
    }

    AlignmentModels models() {
        UpstreamPrompt upstreamPrompt = (system, question, prefix) -> question + SEPARATOR + prefix;
        AlignerPrompt alignerPrompt = (question, prefix, last) -> question + SEPARATOR + prefix + SEPARATOR + last;
        return new AlignmentModels(new Upstream(), upstreamPrompt, new Aligner(), alignerPrompt);
    }

    /** The times of a request's upstream calls, one per round, in order. */
    List<Long> upstreamCallNanos(String requestId) {
        return upstreamCallNanos.getOrDefault(requestId, List.of());
    }

    /** The times of a request's aligner calls, one per round, in order. */
    List<Long> alignerCallNanos(String requestId) {
        return alignerCallNanos.getOrDefault(requestId, List.of());
    }

    private final class Upstream implements TextGenerator {

        @Override
        public Generation submit(CompletionRequest request, DeltaListener listener) {
            upstreamCallNanos.computeIfAbsent(request.id(), id -> new ArrayList<>()).add(System.nanoTime());
            String prefix = request.prompt().substring(request.prompt().indexOf(SEPARATOR) + 1);
            int next = count(prefix) + 1;
            return Generation.completed(new Completion(request.id(), "Sentence " + next + ".",
                    next >= rounds ? FinishReason.EOS : FinishReason.STOP, 8, 4, 0));
        }

        @Override
        public void close() {
        }
    }

    private final class Aligner implements TextGenerator {

        @Override
        public Generation submit(CompletionRequest request, DeltaListener listener) {
            alignerCallNanos.computeIfAbsent(request.id(), id -> new ArrayList<>()).add(System.nanoTime());
            String last = request.prompt().substring(request.prompt().lastIndexOf(SEPARATOR) + 1);
            return Generation.completed(new Completion(request.id(), last, FinishReason.EOS, 8, 4, 0));
        }

        @Override
        public void close() {
        }
    }

    private static int count(String prefix) {
        int sentences = 0;
        for (Matcher matcher = SENTENCE.matcher(prefix); matcher.find(); ) {
            sentences++;
        }
        return sentences;
    }
}
