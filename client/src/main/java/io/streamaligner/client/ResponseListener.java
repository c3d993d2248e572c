package io.streamaligner.client;

import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.SentenceAligned;

/**
 * Receives one request's events from the {@code responses} topic, in the order the loop wrote them: a
 * {@link SentenceAligned} per round, an {@link AlignmentError} if the request failed, then its one
 * {@link AnswerFinal}. Called on the client's consumer thread: keep it short and never block on another
 * request's answer in it. An exception it throws is logged and does not stop the client.
 */
public interface ResponseListener {

    /** Ignores every event; the answer still arrives through the future {@code submit} returns. */
    ResponseListener NONE = new ResponseListener() {
    };

    /** A sentence was corrected (or kept) and appended to the answer. */
    default void onSentence(SentenceAligned sentence) {
    }

    /** The request failed; its final event follows with finish reason ERROR. */
    default void onError(AlignmentError error) {
    }

    /** The request's final event: the whole aligned answer. Called before the future completes. */
    default void onFinal(AnswerFinal answer) {
    }
}
