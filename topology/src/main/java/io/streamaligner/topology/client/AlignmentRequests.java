package io.streamaligner.topology.client;

import io.streamaligner.inference.SamplingParams;
import io.streamaligner.inference.model.GenerationDefaults;
import io.streamaligner.inference.model.ModelFolder;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.GenerationParams;
import io.streamaligner.schemas.serde.RecordClassTrust;

import java.nio.file.Path;
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
 *         .setGeneration(AlignmentRequests.recommended(upstream.modelFolder().generationDefaults(), 42))
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

    /** The sampling a model's authors recommend ({@code generation_config.json}), seeded; greedy if they say so. */
    public static GenerationParams recommended(GenerationDefaults defaults, long seed) {
        return generation(Objects.requireNonNull(defaults, "defaults").sampling(seed));
    }

    /**
     * The recommended sampling of the model in {@code modelFolder}, read from its {@code generation_config.json}
     * (HuggingFace's defaults, i.e. greedy, without one); the model itself is not loaded.
     *
     * @throws io.streamaligner.inference.ModelFolderException if the folder is not a model folder
     */
    public static GenerationParams recommended(Path modelFolder, long seed) {
        return recommended(ModelFolder.open(Objects.requireNonNull(modelFolder, "modelFolder")).generationDefaults(), seed);
    }

    /** Sampling parameters as a request's generation parameters (the per-step token limit stays at its default). */
    public static GenerationParams generation(SamplingParams sampling) {
        Objects.requireNonNull(sampling, "sampling");
        return GenerationParams.newBuilder()
                .setTemperature(sampling.temperature())
                .setTopK(sampling.topK())
                .setTopP(sampling.topP())
                .setFrequencyPenalty(sampling.frequencyPenalty())
                .setRepetitionPenalty(sampling.repetitionPenalty())
                .setSeed(sampling.seed())
                .build();
    }
}
