package io.streamaligner.topology.inprocess;

import io.streamaligner.schemas.AnswerFinishReason;

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
}
