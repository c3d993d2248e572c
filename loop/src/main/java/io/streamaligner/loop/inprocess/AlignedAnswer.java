package io.streamaligner.loop.inprocess;

import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.SentenceAligned;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the loop made of one request: the fields of its {@code AnswerFinal} event, the rounds that led there, and
 * the error that ended it, if one did.
 *
 * @param requestId       the request's id
 * @param answer          the corrections joined with one space
 * @param rounds          rounds (sentences) aligned
 * @param finishReason    which stop rule ended the loop
 * @param sentences       each round's original and corrected sentence, in order
 * @param upstreamTokens  upstream tokens generated over all rounds
 * @param alignerTokens   aligner tokens generated over all rounds
 * @param error           the message of the error event, when {@code finishReason} is {@code ERROR}
 */
public record AlignedAnswer(String requestId, String answer, int rounds, AnswerFinishReason finishReason,
                            List<SentenceCorrection> sentences, int upstreamTokens, int alignerTokens,
                            Optional<String> error) {

    public AlignedAnswer {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(finishReason, "finishReason");
        sentences = List.copyOf(Objects.requireNonNull(sentences, "sentences"));
        Objects.requireNonNull(error, "error");
    }

    /**
     * The answer one request's events on the {@code responses} topic tell, in the order they were written.
     *
     * @throws IllegalArgumentException if the events hold no final event
     */
    public static AlignedAnswer fromEvents(List<AlignmentResponse> events) {
        List<SentenceCorrection> sentences = new ArrayList<>();
        Optional<String> error = Optional.empty();
        for (AlignmentResponse response : events) {
            Object event = response.getEvent();
            if (event instanceof SentenceAligned aligned) {
                sentences.add(new SentenceCorrection(aligned.getRound(), aligned.getOriginal(), aligned.getCorrected()));
            } else if (event instanceof AlignmentError failure) {
                error = Optional.of(failure.getMessage());
            } else if (event instanceof AnswerFinal last) {
                return new AlignedAnswer(last.getRequestId(), last.getAnswer(), last.getRounds(), last.getFinishReason(),
                        sentences, last.getUpstreamTokens(), last.getAlignerTokens(), error);
            }
        }
        throw new IllegalArgumentException("the events hold no final event");
    }
}
