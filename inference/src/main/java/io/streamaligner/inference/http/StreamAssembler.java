package io.streamaligner.inference.http;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.StoppingText;

import java.util.Objects;
import java.util.Optional;

/**
 * Builds one request's text from the streamed pieces, as the engine does from tokens: hands each delta to the listener,
 * applies the caller's stop condition after each, cuts at the end-of-answer token, and turns the server's
 * {@code finish_reason} into a {@link FinishReason}. Knows nothing of HTTP; not thread-safe (its call serialises it).
 *
 * <p>With an end-of-answer token configured, text that may be the start of that token is held back until the next
 * piece shows whether it is: so the token never reaches the listener, and the deltas always add up to the
 * completion's text.
 */
final class StreamAssembler {

    private final CompletionRequest request;
    /** Null when there is no end-of-answer token. */
    private final String endOfAnswer;
    /** The text handed to the listener so far; cut to the stop condition's index once it stops. */
    private final StoppingText text;
    /** Text received but not yet released: it may be the start of the end-of-answer token. */
    private final StringBuilder held = new StringBuilder();
    private int contentChunks;
    private StreamChunk.Usage usage;
    private FinishReason finishReason;

    StreamAssembler(CompletionRequest request, DeltaListener listener, Optional<String> endOfAnswerToken) {
        this.request = Objects.requireNonNull(request, "request");
        this.endOfAnswer = endOfAnswerToken.orElse(null);
        this.text = new StoppingText(request.stop(), request.id(), listener);
    }

    /**
     * Takes the next streamed text.
     *
     * @return whether the text has ended here (the stop condition cut it, or the end-of-answer token came): the
     *         server's stream should be closed at once
     * @throws RuntimeException what the listener or the stop condition threw
     */
    boolean append(String piece) {
        if (finishReason != null || piece.isEmpty()) {
            return finishReason != null;
        }
        contentChunks++;
        if (endOfAnswer == null) {
            emit(piece);
            return finishReason != null;
        }
        held.append(piece);
        int token = held.indexOf(endOfAnswer);
        if (token >= 0) {
            String before = held.substring(0, token);
            held.setLength(0);
            emit(before);
            // the text before the token may have met the stop condition first
            if (finishReason == null) {
                finishReason = FinishReason.END_OF_ANSWER;
                text.release(); // what the stop condition held back
            }
            return true;
        }
        int keep = partialTokenAtEnd(held);
        String released = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        emit(released);
        return finishReason != null;
    }

    /**
     * The server has finished this choice.
     *
     * @param reason     its {@code finish_reason}
     * @param stopReason its {@code stop_reason}, if it sends one (vLLM, SGLang)
     * @throws GenerationException when the server ended it otherwise: aborted or failed (retryable), or for a reason
     *                             that is neither an end of the text nor a length cut (content_filter, tool_calls …)
     */
    void serverFinished(String reason, Optional<String> stopReason) {
        if (finishReason != null) {
            return;
        }
        // what was held back was not the token after all
        String rest = held.toString();
        held.setLength(0);
        emit(rest);
        if (finishReason != null) {
            return;
        }
        finishReason = switch (reason) {
            // vLLM's "repetition" (its opt-in repetition detection) cut the text as a length cap would
            case "length", "repetition" -> FinishReason.LENGTH;
            // TGI says which stop came; the end-of-answer token is the only stop string a request carries
            case "stop_sequence" -> endOfAnswer != null ? FinishReason.END_OF_ANSWER : FinishReason.EOS;
            // TGI's end-of-sequence token
            case "eos_token" -> FinishReason.EOS;
            case "stop" -> endOfAnswer != null && stopReason.filter(endOfAnswer::equals).isPresent()
                    ? FinishReason.END_OF_ANSWER : FinishReason.EOS;
            case "abort" -> throw GenerationException.retryable("request " + request.id()
                    + ": the server aborted the generation (finish_reason abort)", null);
            case "error" -> throw GenerationException.retryable("request " + request.id()
                    + ": the generation failed on the server (finish_reason error)", null);
            // content_filter, tool_calls …: the text did not end by itself, and asking again would end it alike
            default -> throw new GenerationException("request " + request.id() + ": the server ended the generation"
                    + " with finish_reason '" + reason + "', which is neither an end of the text nor a length cut");
        };
        text.release(); // the text ended without a cut: what the stop condition held back
    }

    void usage(StreamChunk.Usage counts) {
        usage = counts;
    }

    /** Whether the text has ended, by the server's finish or by a cut here. */
    boolean finished() {
        return finishReason != null;
    }

    /**
     * @throws IllegalStateException before {@link #finished()}
     */
    Completion completion(long nanos) {
        if (finishReason == null) {
            throw new IllegalStateException("request " + request.id() + " has not finished");
        }
        // servers stream about one chunk per token, so the chunk count stands in when no usage came (a stop cut)
        int prompt = usage != null ? usage.promptTokens() : 0;
        int generated = usage != null ? usage.completionTokens() : contentChunks;
        return new Completion(request.id(), text.text(), finishReason, prompt, generated, nanos);
    }

    /** Hands a delta to the listener, cut where the stop condition says (as the engine does). */
    private void emit(String delta) {
        if (finishReason == null && text.append(delta)) {
            finishReason = FinishReason.STOP;
        }
    }

    /** How many characters at the end of {@code received} are a proper prefix of the end-of-answer token. */
    private int partialTokenAtEnd(CharSequence received) {
        int longest = Math.min(endOfAnswer.length() - 1, received.length());
        for (int length = longest; length > 0; length--) {
            if (endsWith(received, endOfAnswer, length)) {
                return length;
            }
        }
        return 0;
    }

    private static boolean endsWith(CharSequence received, String token, int length) {
        int from = received.length() - length;
        for (int i = 0; i < length; i++) {
            if (received.charAt(from + i) != token.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
