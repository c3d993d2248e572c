package io.streamaligner.topology.config;

import io.streamaligner.client.Topics;

import java.util.Map;
import java.util.Objects;

/**
 * The loop's topics as configured: each contract topic's name ({@code streamaligner.topic.<contract name>},
 * default the contract name) with {@code streamaligner.topic.prefix} before it, and the partitions of the topics
 * the application creates.
 *
 * @param prefix     put before every topic name; may be empty
 * @param names      contract name ({@link Topics#PROMPTS}, …) → the name to use instead; absent ones keep theirs
 * @param partitions partitions of the topics the application creates
 */
public record TopicSettings(String prefix, Map<String, String> names, int partitions) {

    public TopicSettings {
        Objects.requireNonNull(prefix, "prefix");
        names = Map.copyOf(Objects.requireNonNull(names, "names"));
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
    }

    /** The full name of a contract topic, e.g. {@code topic(Topics.PROMPTS)}. */
    public String topic(String contractName) {
        return prefix + names.getOrDefault(contractName, contractName);
    }

    /** The topics with their full names. */
    public Topics topics() {
        return Topics.named(prefix, names);
    }
}
