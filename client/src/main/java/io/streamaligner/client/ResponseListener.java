package io.streamaligner.client;

import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.SentenceAligned;
import io.streamaligner.schemas.TokenDelta;

/**
 * Receives one request's events from the {@code responses} topic, in the order the loop wrote them: a
 * {@link SentenceAligned} per round, an {@link AlignmentError} if the request failed, then its one
 * {@link AnswerFinal}; optionally, before each sentence, the upstream's text as it was written. Called on the
 * client's consumer thread: keep it short and never block on another request's answer in it. An exception it throws is logged and does not stop the client.
 */
public interface ResponseListener {

    /** Ignores every event; the answer still arrives through the future {@code submit} returns. */
    ResponseListener NONE = new ResponseListener() {
    };

    /**
     * Provisional text: a piece the upstream wrote for {@code delta.getRound()}, before the aligner saw it. Only on a
     * client that reads {@code upstream-tokens} ({@link AlignmentClient.Subscription#RESPONSES_AND_UPSTREAM_TOKENS});
     * each piece once, in order, none after its round's {@link #onSentence}, never an empty one.
     */
    default void onUpstreamDelta(TokenDelta delta) {
    }

    /** A sentence was corrected (or kept) and appended to the answer: it replaces its round's provisional text. */
    default void onSentence(SentenceAligned sentence) {
    }

    /** The request failed; its final event follows with finish reason ERROR. */
    default void onError(AlignmentError error) {
    }

    /** The request's final event: the whole aligned answer. Called before the future completes. */
    default void onFinal(AnswerFinal answer) {
    }
}
