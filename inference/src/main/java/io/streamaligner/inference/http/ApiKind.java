package io.streamaligner.inference.http;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which OpenAI-compatible endpoint a backend posts to. */
public enum ApiKind {

    /**
     * {@code POST {base}/chat/completions}: the server renders the conversation with its own chat template, so the
     * request must carry its {@link io.streamaligner.inference.ChatTurns}.
     */
    CHAT("chat"),

    /** {@code POST {base}/completions}: the application's rendered prompt is sent as text. */
    COMPLETIONS("completions");

    private final String configValue;

    ApiKind(String configValue) {
        this.configValue = configValue;
    }

    /** The value configuration files use for this kind. */
    public String configValue() {
        return configValue;
    }

    /**
     * @param value {@code chat} or {@code completions}, in any case
     * @throws IllegalArgumentException for any other value, listing the accepted ones
     */
    public static ApiKind fromConfigValue(String value) {
        if (value != null) {
            String wanted = value.strip().toLowerCase(Locale.ROOT);
            for (ApiKind kind : values()) {
                if (kind.configValue.equals(wanted)) {
                    return kind;
                }
            }
        }
        throw new IllegalArgumentException("unknown API kind '" + value + "'; expected one of "
                + Arrays.stream(values()).map(ApiKind::configValue).collect(Collectors.joining(", ")));
    }

    /** The endpoint path below the base URL. */
    String path() {
        return this == CHAT ? "chat/completions" : "completions";
    }
}
