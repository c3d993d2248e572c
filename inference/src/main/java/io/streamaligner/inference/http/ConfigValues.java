package io.streamaligner.inference.http;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Reads an enum from the value configuration files spell it with, for {@link ApiKind} and {@link ServerKind}. */
final class ConfigValues {

    private ConfigValues() {
    }

    /**
     * @param value any case, surrounding spaces ignored
     * @param what  what the value names, for the message ("API kind")
     * @throws IllegalArgumentException for any other value, listing the accepted ones
     */
    static <E extends Enum<E>> E parse(E[] values, Function<E, String> configValue, String value, String what) {
        if (value != null) {
            String wanted = value.strip().toLowerCase(Locale.ROOT);
            for (E candidate : values) {
                if (configValue.apply(candidate).equals(wanted)) {
                    return candidate;
                }
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + value + "'; expected one of "
                + Arrays.stream(values).map(configValue).collect(Collectors.joining(", ")));
    }
}
