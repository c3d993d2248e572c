package io.streamaligner.topology.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The Kafka Streams processing guarantees the application supports, by their {@code processing.guarantee} value. */
public enum ProcessingGuarantee {
    /** Outputs, state and input offsets commit in one transaction; the default. */
    EXACTLY_ONCE_V2("exactly_once_v2"),
    /** Lower latency; after a crash some records are processed again. */
    AT_LEAST_ONCE("at_least_once");

    private final String configValue;

    ProcessingGuarantee(String configValue) {
        this.configValue = configValue;
    }

    /** The value of Kafka Streams' {@code processing.guarantee} setting. */
    public String configValue() {
        return configValue;
    }

    /** The guarantee named by a {@code processing.guarantee} value. */
    public static ProcessingGuarantee fromConfigValue(String value) {
        for (ProcessingGuarantee guarantee : values()) {
            if (guarantee.configValue.equals(value)) {
                return guarantee;
            }
        }
        throw new ConfigurationException("processing.guarantee must be one of "
                + Arrays.stream(values()).map(ProcessingGuarantee::configValue).collect(Collectors.joining(", "))
                + ", was " + value);
    }
}
