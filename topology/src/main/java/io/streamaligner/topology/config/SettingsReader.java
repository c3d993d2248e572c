package io.streamaligner.topology.config;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/** Typed reads of the settings, each error naming its key and the value given. */
record SettingsReader(Map<String, String> settings) {

    Optional<String> text(String key) {
        return Optional.ofNullable(settings.get(key)).map(String::strip).filter(value -> !value.isEmpty());
    }

    int integer(String key, int defaultValue) {
        return parsed(key, Integer::parseInt, "a whole number").orElse(defaultValue);
    }

    long longInteger(String key, long defaultValue) {
        return parsed(key, Long::parseLong, "a whole number").orElse(defaultValue);
    }

    boolean bool(String key, boolean defaultValue) {
        return parsed(key, value -> {
            if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException(value);
            }
            return Boolean.parseBoolean(value);
        }, "true or false").orElse(defaultValue);
    }

    <T> Optional<T> parsed(String key, Function<String, T> parse, String expected) {
        return text(key).map(value -> {
            try {
                return parse.apply(value);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(key + " must be " + expected + ", was " + value, e);
            }
        });
    }

    /** Builds a typed setting whose constructor checks it, its IllegalArgumentException becoming a configuration error. */
    <T> T build(String what, Supplier<T> construct) {
        try {
            return construct.get();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("invalid " + what + ": " + e.getMessage(), e);
        }
    }
}
