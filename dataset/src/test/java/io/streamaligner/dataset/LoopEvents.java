package io.streamaligner.dataset;

import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AlignmentStage;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.SentenceAligned;

/** The loop's response events, as the client hands them to a listener, for tests. */
final class LoopEvents {

    private LoopEvents() {
    }

    static SentenceAligned sentence(String requestId, int round, String original, String corrected) {
        return SentenceAligned.newBuilder().setRequestId(requestId).setRound(round).setOriginal(original)
                .setCorrected(corrected).setChanged(!original.equals(corrected)).setUpstreamMs(1).setAlignerMs(1).build();
    }

    static AnswerFinal last(String requestId, String answer, int rounds, AnswerFinishReason reason) {
        return AnswerFinal.newBuilder().setRequestId(requestId).setAnswer(answer).setRounds(rounds).setFinishReason(reason)
                .setUpstreamTokens(10).setAlignerTokens(10).setUpstreamMs(1).setAlignerMs(1).setTotalMs(3).build();
    }

    static AlignmentError error(String requestId, int round, String message) {
        return AlignmentError.newBuilder().setRequestId(requestId).setStage(AlignmentStage.ALIGNER).setRound(round)
                .setMessage(message).build();
    }
}
