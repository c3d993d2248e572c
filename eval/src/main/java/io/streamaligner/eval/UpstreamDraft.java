package io.streamaligner.eval;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.StopCondition;
import io.streamaligner.inference.TextGenerator;
import io.streamaligner.loop.UpstreamPrompt;
import io.streamaligner.loop.segment.SentenceSegmenter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The upstream model writing a whole answer in one generation, with no aligner in between: the answer of the
 * {@code upstream} arm and the draft that the {@code posthoc} arm corrects. It notes when each sentence of the
 * streamed text became complete, by the same segmentation rules the topology cuts with.
 */
final class UpstreamDraft {

    /**
     * @param text             the generated answer
     * @param finishReason     why generation ended
     * @param generatedTokens  tokens the upstream generated
     * @param sentenceEndNanos for each sentence of the answer, when it was complete, from the start of the call
     * @param nanos            the whole call
     */
    record Draft(String text, FinishReason finishReason, int generatedTokens, List<Long> sentenceEndNanos, long nanos) {
    }

    private final TextGenerator upstream;
    private final UpstreamPrompt prompt;
    private final int maxTokens;

    /** @param maxTokens the answer's token budget, the same the stream loop has over all its rounds */
    UpstreamDraft(TextGenerator upstream, UpstreamPrompt prompt, int maxTokens) {
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        this.prompt = Objects.requireNonNull(prompt, "prompt");
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
        }
        this.maxTokens = maxTokens;
    }

    Draft write(String requestId, String question, QuestionSampling sampling) {
        long start = System.nanoTime();
        SentenceClock clock = new SentenceClock(start);
        // the system prompt is empty as in a request without one, so the prompt is the loop's first-round prompt
        CompletionRequest request = new CompletionRequest(requestId, prompt.render("", question, ""),
                sampling.wholeAnswer(), maxTokens, StopCondition.NEVER);
        Completion completion = upstream.generate(List.of(request), (id, delta) -> clock.append(delta)).get(0);
        long end = System.nanoTime() - start;
        return new Draft(completion.text(), completion.finishReason(), completion.generatedTokens(), clock.sentenceEnds(completion.text(), end), end);
    }

    /** Notes when each sentence of streamed text completes; called on the engine's thread, so it stays cheap. */
    private static final class SentenceClock {

        private final long start;
        private final StringBuilder text = new StringBuilder();
        private final List<Long> ends = new ArrayList<>();
        private int sentenceStart;

        SentenceClock(long start) {
            this.start = start;
        }

        synchronized void append(String delta) {
            text.append(delta);
            int end;
            while ((end = SentenceSegmenter.firstSentenceEnd(text.subSequence(sentenceStart, text.length()), false)) >= 0) {
                if (!text.substring(sentenceStart, sentenceStart + end).isBlank()) {
                    ends.add(System.nanoTime() - start);
                }
                sentenceStart += end;
            }
        }

        /**
         * One time per sentence of the final text: the streamed boundaries, and the end of the call for a last
         * sentence that only the end of the text closes. A generator that did not stream gets every sentence at the end.
         */
        synchronized List<Long> sentenceEnds(String finalText, long endNanos) {
            int sentences = SentenceSegmenter.split(finalText).size();
            List<Long> result = new ArrayList<>(ends.subList(0, Math.min(ends.size(), sentences)));
            while (result.size() < sentences) {
                result.add(endNanos);
            }
            return result;
        }
    }
}
