package io.streamaligner.client;

import org.apache.kafka.common.serialization.Serde;

import java.util.Objects;

/** A topic's name with the serdes of its keys and values: what a producer, consumer or topology node needs. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        if (name.isBlank()) {
            throw new IllegalArgumentException("topic name is blank");
        }
    }
}
