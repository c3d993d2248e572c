package io.streamaligner.loop;

import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.AlignmentStage;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.SentenceAligned;

/** Builds the events of the {@code responses} topic for {@link AlignmentLoop}'s transitions. */
final class ResponseEvents {

    private ResponseEvents() {
    }

    static AlignmentResponse sentenceAligned(String requestId, int round, String original, String corrected,
                                             long upstreamMs, long alignerMs) {
        return response(requestId, SentenceAligned.newBuilder()
                .setRequestId(requestId)
                .setRound(round)
                .setOriginal(original)
                .setCorrected(corrected)
                .setChanged(!original.equals(corrected))
                .setUpstreamMs(upstreamMs)
                .setAlignerMs(alignerMs)
                .build());
    }

    /** The final event of a request whose answer and totals are {@code answer}'s. */
    static AlignmentResponse answerFinal(String requestId, AlignedPrefix answer, AnswerFinishReason reason, long nowMs) {
        return response(requestId, AnswerFinal.newBuilder()
                .setRequestId(requestId)
                .setAnswer(answer.getAlignedPrefix())
                .setRounds(answer.getRound())
                .setFinishReason(reason)
                .setUpstreamTokens(answer.getUpstreamTokens())
                .setAlignerTokens(answer.getAlignerTokens())
                .setUpstreamMs(answer.getUpstreamMs())
                .setAlignerMs(answer.getAlignerMs())
                .setTotalMs(Math.max(0, nowMs - answer.getStartedAtMs()))
                .build());
    }

    /** An error event stating its cause as the exception's simple name and message. */
    static AlignmentResponse error(String requestId, AlignmentStage stage, int round, Throwable cause) {
        String message = cause.getMessage() == null ? cause.getClass().getName()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return response(requestId, AlignmentError.newBuilder()
                .setRequestId(requestId)
                .setStage(stage)
                .setRound(round)
                .setMessage(message)
                .build());
    }

    private static AlignmentResponse response(String requestId, Object event) {
        return AlignmentResponse.newBuilder().setRequestId(requestId).setEvent(event).build();
    }
}
