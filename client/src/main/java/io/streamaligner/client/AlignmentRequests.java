package io.streamaligner.client;

import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.GenerationParams;
import io.streamaligner.schemas.serde.RecordClassTrust;

import java.util.Objects;
import java.util.UUID;

/**
 * Builds {@link AlignmentRequest}s with sensible defaults: a fresh request id, the creation time, and the schema's
 * defaults (greedy upstream, 16 rounds, 1024 upstream tokens, 64 tokens per step) unless set otherwise.
 *
 * <pre>{@code
 * AlignmentRequest greedy = AlignmentRequests.builder("What is 12 + 30 - 7?").build();
 * AlignmentRequest sampled = AlignmentRequests.builder("What is 12 + 30 - 7?")
 *         .setSystemPrompt("Answer step by step.")
 *         .setGeneration(GenerationParams.newBuilder().setTemperature(0.7).setTopP(0.95).setSeed(42).build())
 *         .build();
 * }</pre>
 */
public final class AlignmentRequests {

    static {
        // builders fill record-typed defaults (generation) through Avro, which must trust the generated classes
        RecordClassTrust.install();
    }

    private AlignmentRequests() {
    }

    /** A new random request id (a UUID). */
    public static String newRequestId() {
        return UUID.randomUUID().toString();
    }

    /** A request builder with a new id, the question, the current time and the schema's defaults. */
    public static AlignmentRequest.Builder builder(String question) {
        return builder(newRequestId(), question);
    }

    /** A request builder with this id, the question, the current time and the schema's defaults. */
    public static AlignmentRequest.Builder builder(String requestId, String question) {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(question, "question");
        return AlignmentRequest.newBuilder()
                .setRequestId(requestId)
                .setQuestion(question)
                .setCreatedAtMs(System.currentTimeMillis());
    }

    /** Greedy decoding (the schema's default generation parameters). */
    public static GenerationParams greedy() {
        return GenerationParams.newBuilder().build();
    }
}
