package io.streamaligner.server;

import io.streamaligner.inference.FinishReason;

import java.util.Objects;
import java.util.Optional;

/**
 * How a choice ended, as OpenAI's {@code finish_reason} and vLLM's {@code stop_reason}:
 * <ul>
 *   <li>an end-of-sequence token: {@code stop}, stop reason null;</li>
 *   <li>the aligner's end-of-answer token: {@code stop}, stop reason that token's text (e.g. {@code <|end_of_answer|>}),
 *       so that a client can tell "the answer is complete" from a plain end;</li>
 *   <li>a stop string: {@code stop}, stop reason the string;</li>
 *   <li>the token limit: {@code length}, stop reason null.</li>
 * </ul>
 *
 * @param finishReason {@code stop} or {@code length}
 * @param stopReason   what stopped it, or null
 */
record Finish(String finishReason, String stopReason) {

    Finish {
        Objects.requireNonNull(finishReason, "finishReason");
    }

    static Finish of(FinishReason reason, Optional<String> matchedStop, Optional<String> endOfAnswerToken) {
        return switch (reason) {
            case EOS -> new Finish("stop", null);
            case END_OF_ANSWER -> new Finish("stop", endOfAnswerToken.orElse(null));
            case STOP -> new Finish("stop", matchedStop.orElse(null));
            case LENGTH -> new Finish("length", null);
        };
    }
}
