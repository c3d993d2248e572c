package io.streamaligner.inference.http;

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
        return ConfigValues.parse(values(), ApiKind::configValue, value, "API kind");
    }

    /** The endpoint path below the base URL. */
    String path() {
        return this == CHAT ? "chat/completions" : "completions";
    }
}
