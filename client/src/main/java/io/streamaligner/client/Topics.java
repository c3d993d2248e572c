package io.streamaligner.client;

import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.SuffixSentence;
import io.streamaligner.schemas.TokenDelta;
import io.streamaligner.schemas.serde.AvroSerde;
import org.apache.kafka.common.serialization.Serdes;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The topics of the alignment loop, the documented contract between the application and its clients.
 * Every key is the request id (String); every value is an Avro single-object-encoded record.
 *
 * <ul>
 *   <li>{@code prompts} ({@link AlignmentRequest}): clients produce new requests here.</li>
 *   <li>{@code feedback} ({@link AlignedPrefix}): the aligned prefix after each round; closes the loop.</li>
 *   <li>{@code upstream-tokens} ({@link TokenDelta}): what the upstream wrote, step by step.</li>
 *   <li>{@code sentences} ({@link SuffixSentence}): each upstream sentence sent for correction.</li>
 *   <li>{@code responses} ({@link AlignmentResponse}): corrected sentences, final answers, errors.</li>
 *   <li>{@code dead-letter} (original bytes): records that could not be read, reason in headers.</li>
 * </ul>
 * {@code prompts} and {@code feedback} must have the same number of partitions (a request's prompt and its
 * feedback are processed by one task); giving every topic the same count is simplest.
 */
public final class Topics {

    public static final String PROMPTS = "prompts";
    public static final String FEEDBACK = "feedback";
    public static final String UPSTREAM_TOKENS = "upstream-tokens";
    public static final String SENTENCES = "sentences";
    public static final String RESPONSES = "responses";
    public static final String DEAD_LETTER = "dead-letter";
    /** The contract's names, in the order above. */
    public static final List<String> CONTRACT_NAMES = List.of(PROMPTS, FEEDBACK, UPSTREAM_TOKENS, SENTENCES, RESPONSES,
            DEAD_LETTER);

    private final Topic<String, AlignmentRequest> prompts;
    private final Topic<String, AlignedPrefix> feedback;
    private final Topic<String, TokenDelta> upstreamTokens;
    private final Topic<String, SuffixSentence> sentences;
    private final Topic<String, AlignmentResponse> responses;
    private final Topic<String, byte[]> deadLetter;

    private Topics(String prefix, Map<String, String> names) {
        prompts = new Topic<>(prefix + names.getOrDefault(PROMPTS, PROMPTS), Serdes.String(),
                AvroSerde.of(AlignmentRequest.class));
        feedback = new Topic<>(prefix + names.getOrDefault(FEEDBACK, FEEDBACK), Serdes.String(),
                AvroSerde.of(AlignedPrefix.class));
        upstreamTokens = new Topic<>(prefix + names.getOrDefault(UPSTREAM_TOKENS, UPSTREAM_TOKENS), Serdes.String(),
                AvroSerde.of(TokenDelta.class));
        sentences = new Topic<>(prefix + names.getOrDefault(SENTENCES, SENTENCES), Serdes.String(),
                AvroSerde.of(SuffixSentence.class));
        responses = new Topic<>(prefix + names.getOrDefault(RESPONSES, RESPONSES), Serdes.String(),
                AvroSerde.of(AlignmentResponse.class));
        deadLetter = new Topic<>(prefix + names.getOrDefault(DEAD_LETTER, DEAD_LETTER), Serdes.String(), Serdes.ByteArray());
    }

    /** The contract names as they are: {@code prompts}, {@code feedback}, … */
    public static Topics defaults() {
        return new Topics("", Map.of());
    }

    /** The contract names with a prefix, e.g. {@code "team-a."} gives {@code team-a.prompts}, … */
    public static Topics withPrefix(String prefix) {
        return new Topics(Objects.requireNonNull(prefix, "prefix"), Map.of());
    }

    /**
     * Topics renamed: {@code names} maps a contract name ({@link #PROMPTS}, …) to the name to use instead (absent
     * ones keep theirs); the prefix goes before every name.
     *
     * @throws IllegalArgumentException for a key that is not a contract name
     */
    public static Topics named(String prefix, Map<String, String> names) {
        Objects.requireNonNull(prefix, "prefix");
        for (String contractName : Objects.requireNonNull(names, "names").keySet()) {
            if (!CONTRACT_NAMES.contains(contractName)) {
                throw new IllegalArgumentException("not a topic of the contract: " + contractName + " (the topics are "
                        + CONTRACT_NAMES + ")");
            }
        }
        return new Topics(prefix, Map.copyOf(names));
    }

    public Topic<String, AlignmentRequest> prompts() {
        return prompts;
    }

    public Topic<String, AlignedPrefix> feedback() {
        return feedback;
    }

    public Topic<String, TokenDelta> upstreamTokens() {
        return upstreamTokens;
    }

    public Topic<String, SuffixSentence> sentences() {
        return sentences;
    }

    public Topic<String, AlignmentResponse> responses() {
        return responses;
    }

    public Topic<String, byte[]> deadLetter() {
        return deadLetter;
    }

    /** Every topic's name, for creating them. */
    public List<String> names() {
        return List.of(prompts.name(), feedback.name(), upstreamTokens.name(), sentences.name(), responses.name(),
                deadLetter.name());
    }
}
