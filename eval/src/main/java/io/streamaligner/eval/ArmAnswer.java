package io.streamaligner.eval;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One arm's answer to one question, with its timings. Times are wall-clock nanoseconds measured by the eval
 * itself from the moment it asked, so that every arm is timed the same way.
 *
 * <p>A <em>round</em> is one sentence added to the answer: in the aligned arms an upstream sentence and its
 * correction, in the upstream arm one sentence of its streamed answer.
 *
 * @param answer             the final answer text (empty on error)
 * @param revisions          the aligned arms' sentences, original and corrected, in order; empty for the upstream arm
 * @param rounds             sentences in the answer
 * @param firstSentenceNanos from asking to the first sentence the user could be shown: the first aligned sentence
 *                           in the aligned arms, the first written one in the upstream arm; empty when there was none
 * @param roundNanos         how long each round added to the answer, in order
 * @param totalNanos         from asking to the whole answer
 * @param finishReason       why the answer ended (e.g. {@code UPSTREAM_END}, {@code MAX_ROUNDS}, {@code EOS})
 * @param error              why the arm failed on this question; a failed answer counts as wrong
 */
public record ArmAnswer(String answer, List<SentenceRevision> revisions, int rounds, OptionalLong firstSentenceNanos,
                        List<Long> roundNanos, long totalNanos, String finishReason, Optional<String> error) {

    public ArmAnswer {
        Objects.requireNonNull(answer, "answer");
        revisions = List.copyOf(Objects.requireNonNull(revisions, "revisions"));
        Objects.requireNonNull(firstSentenceNanos, "firstSentenceNanos");
        roundNanos = List.copyOf(Objects.requireNonNull(roundNanos, "roundNanos"));
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(error, "error");
    }

    /** An arm that could not answer: no text, no rounds, the time spent and why. */
    public static ArmAnswer failed(long totalNanos, String error) {
        return new ArmAnswer("", List.of(), 0, OptionalLong.empty(), List.of(), totalNanos, "ERROR", Optional.of(error));
    }

    public boolean succeeded() {
        return error.isEmpty();
    }
}
