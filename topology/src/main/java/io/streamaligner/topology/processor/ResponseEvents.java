package io.streamaligner.topology.processor;

import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.AlignmentStage;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.SentenceAligned;

/** Builds the events of the {@code responses} topic, so every processor that ends a request ends it alike. */
public final class ResponseEvents {

    private ResponseEvents() {
    }

    public static AlignmentResponse sentenceAligned(String requestId, int round, String original, String corrected,
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
    public static AlignmentResponse answerFinal(String requestId, AlignedPrefix answer, AnswerFinishReason reason,
                                                long nowMs) {
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

    public static AlignmentResponse error(String requestId, AlignmentStage stage, int round, Throwable cause) {
        return response(requestId, AlignmentError.newBuilder()
                .setRequestId(requestId)
                .setStage(stage)
                .setRound(round)
                .setMessage(errorMessage(cause))
                .build());
    }

    /** How an error event states its cause: the exception's simple name and message. */
    public static String errorMessage(Throwable cause) {
        return cause.getMessage() == null ? cause.getClass().getName()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    private static AlignmentResponse response(String requestId, Object event) {
        return AlignmentResponse.newBuilder().setRequestId(requestId).setEvent(event).build();
    }
}
