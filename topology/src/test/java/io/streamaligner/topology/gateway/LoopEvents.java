package io.streamaligner.topology.gateway;

import io.streamaligner.client.AlignmentRequests;
import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AlignmentStage;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.SentenceAligned;
import io.streamaligner.schemas.TokenDelta;

/** The loop's records as the gateway's listener gets them, for tests that play the loop's part. */
final class LoopEvents {

    private LoopEvents() {
    }

    static AlignmentRequest request(String requestId, String question) {
        return AlignmentRequests.builder(requestId, question).build();
    }

    static TokenDelta delta(String requestId, int round, int index, String text) {
        return TokenDelta.newBuilder().setRequestId(requestId).setRound(round).setIndex(index).setText(text).build();
    }

    static SentenceAligned sentence(String requestId, int round, String original, String corrected) {
        return SentenceAligned.newBuilder().setRequestId(requestId).setRound(round).setOriginal(original)
                .setCorrected(corrected).setChanged(!original.equals(corrected)).setUpstreamMs(12).setAlignerMs(5).build();
    }

    static AnswerFinal answerFinal(String requestId, String answer, int rounds) {
        return AnswerFinal.newBuilder().setRequestId(requestId).setAnswer(answer).setRounds(rounds)
                .setFinishReason(AnswerFinishReason.UPSTREAM_END).setUpstreamTokens(20).setAlignerTokens(18)
                .setUpstreamMs(40).setAlignerMs(15).setTotalMs(90).build();
    }

    static AlignmentError error(String requestId, int round, String message) {
        return AlignmentError.newBuilder().setRequestId(requestId).setStage(AlignmentStage.UPSTREAM).setRound(round)
                .setMessage(message).build();
    }
}
