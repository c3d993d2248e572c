package io.streamaligner.topology.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.GenerationParams;
import io.streamaligner.schemas.SentenceAligned;
import io.streamaligner.server.Json;

/**
 * One request's events as the gateway streams them, each a server-sent event ({@code event: NAME}, one
 * {@code data: JSON} line, a blank line), every one with the request's {@code request_id}:
 * <ul>
 *   <li>{@code request}: what was asked, as {@code POST /v1/align} takes it (question, system, generation, max_rounds),
 *       so that it can be asked again;</li>
 *   <li>{@code token}: provisional text the upstream wrote for {@code round}, before the aligner saw it;</li>
 *   <li>{@code sentence}: the round's sentence as the upstream wrote it ({@code original}) and as aligned
 *       ({@code corrected}), {@code changed}, the models' time ({@code upstream_ms}, {@code aligner_ms}) and when it
 *       arrived ({@code elapsed_ms} since the gateway sent the request);</li>
 *   <li>{@code error}: why the request failed ({@code stage}: {@code REQUEST}, {@code UPSTREAM}, {@code ALIGNER}, or
 *       {@code GATEWAY} when no final will come through this gateway);</li>
 *   <li>{@code final}: the whole aligned answer, rounds, {@code finish_reason}, tokens and times; the stream ends.</li>
 * </ul>
 * JSON never holds a raw line break, so each event's data is one line whatever the model wrote.
 */
final class AlignmentEvents {

    static final String REQUEST = "request";
    static final String TOKEN = "token";
    static final String SENTENCE = "sentence";
    static final String ERROR = "error";
    static final String FINAL = "final";
    /** The stage of an error the gateway reports itself: the loop's answer will not come through it. */
    static final String GATEWAY_STAGE = "GATEWAY";

    private AlignmentEvents() {
    }

    static String request(AlignmentRequest request) {
        ObjectNode data = data(request.getRequestId());
        data.put("question", request.getQuestion());
        if (request.getSystemPrompt() != null) {
            data.put("system", request.getSystemPrompt());
        }
        GenerationParams generation = request.getGeneration();
        ObjectNode sampling = data.putObject("generation");
        sampling.put("temperature", generation.getTemperature());
        sampling.put("top_p", generation.getTopP());
        sampling.put("top_k", generation.getTopK());
        sampling.put("frequency_penalty", generation.getFrequencyPenalty());
        sampling.put("repetition_penalty", generation.getRepetitionPenalty());
        sampling.put("seed", generation.getSeed());
        sampling.put("max_new_tokens", generation.getMaxNewTokensPerStep());
        data.put("max_rounds", request.getMaxRounds());
        return event(REQUEST, data);
    }

    static String token(String requestId, int round, String text) {
        ObjectNode data = data(requestId);
        data.put("round", round);
        data.put("text", text);
        return event(TOKEN, data);
    }

    static String sentence(SentenceAligned sentence, long elapsedMs) {
        ObjectNode data = data(sentence.getRequestId());
        data.put("round", sentence.getRound());
        data.put("original", sentence.getOriginal());
        data.put("corrected", sentence.getCorrected());
        data.put("changed", sentence.getChanged());
        data.put("upstream_ms", sentence.getUpstreamMs());
        data.put("aligner_ms", sentence.getAlignerMs());
        data.put("elapsed_ms", elapsedMs);
        return event(SENTENCE, data);
    }

    static String error(AlignmentError error) {
        return error(error.getRequestId(), error.getStage().name(), error.getRound(), error.getMessage());
    }

    /** An error of the gateway's own: the stream ends without a final. */
    static String gatewayError(String requestId, String message) {
        return error(requestId, GATEWAY_STAGE, 0, message);
    }

    static String answerFinal(AnswerFinal answer, long elapsedMs) {
        ObjectNode data = data(answer.getRequestId());
        data.put("answer", answer.getAnswer());
        data.put("rounds", answer.getRounds());
        data.put("finish_reason", answer.getFinishReason().name());
        data.put("upstream_tokens", answer.getUpstreamTokens());
        data.put("aligner_tokens", answer.getAlignerTokens());
        data.put("upstream_ms", answer.getUpstreamMs());
        data.put("aligner_ms", answer.getAlignerMs());
        data.put("total_ms", answer.getTotalMs());
        data.put("elapsed_ms", elapsedMs);
        return event(FINAL, data);
    }

    private static String error(String requestId, String stage, int round, String message) {
        ObjectNode data = data(requestId);
        data.put("stage", stage);
        data.put("round", round);
        data.put("message", message);
        return event(ERROR, data);
    }

    private static ObjectNode data(String requestId) {
        return Json.MAPPER.createObjectNode().put("request_id", requestId);
    }

    private static String event(String name, ObjectNode data) {
        return "event: " + name + "\ndata: " + Json.write(data) + "\n\n";
    }
}
