package io.streamaligner.server;

import io.streamaligner.inference.template.ChatTemplate;

import java.util.Objects;
import java.util.Optional;

/**
 * How an {@link OpenAiServer} listens and answers.
 *
 * @param host             the address to bind; {@value #DEFAULT_HOST} keeps the server on this machine
 * @param port             the TCP port; 0 picks a free one ({@link OpenAiServer#port()} tells which)
 * @param servedModelName  the name clients send as {@code model} and {@code GET /v1/models} lists
 * @param apiKey           when present, every {@code /v1/*} request needs {@code Authorization: Bearer KEY}
 * @param maxBodyBytes     larger request bodies are answered 413
 * @param defaultMaxTokens {@code max_tokens} for requests that send none
 * @param template         a built-in chat template by name, in place of the one the model folder names
 */
public record ServeSettings(String host, int port, String servedModelName, Optional<String> apiKey, int maxBodyBytes,
                            int defaultMaxTokens, Optional<String> template) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_TOKENS = 512;

    public ServeSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(servedModelName, "servedModelName");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(template, "template");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if (servedModelName.isBlank()) {
            throw new IllegalArgumentException("servedModelName must not be blank");
        }
        if (apiKey.isPresent() && apiKey.get().isBlank()) {
            throw new IllegalArgumentException("apiKey must not be blank when present");
        }
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, got " + maxBodyBytes);
        }
        if (defaultMaxTokens <= 0) {
            throw new IllegalArgumentException("defaultMaxTokens must be positive, got " + defaultMaxTokens);
        }
        // an unknown name fails here, listing the known ones, rather than at the first chat request
        template.ifPresent(ChatTemplate::named);
    }

    /** Loopback, a free port, no key, a 1 MiB body limit, {@value #DEFAULT_MAX_TOKENS} tokens, the folder's template. */
    public static ServeSettings defaults(String servedModelName) {
        return new ServeSettings(DEFAULT_HOST, 0, servedModelName, Optional.empty(), DEFAULT_MAX_BODY_BYTES,
                DEFAULT_MAX_TOKENS, Optional.empty());
    }

    public ServeSettings withHost(String newHost) {
        return new ServeSettings(newHost, port, servedModelName, apiKey, maxBodyBytes, defaultMaxTokens, template);
    }

    public ServeSettings withPort(int newPort) {
        return new ServeSettings(host, newPort, servedModelName, apiKey, maxBodyBytes, defaultMaxTokens, template);
    }

    public ServeSettings withApiKey(String key) {
        return new ServeSettings(host, port, servedModelName, Optional.of(Objects.requireNonNull(key, "key")),
                maxBodyBytes, defaultMaxTokens, template);
    }

    public ServeSettings withMaxBodyBytes(int bytes) {
        return new ServeSettings(host, port, servedModelName, apiKey, bytes, defaultMaxTokens, template);
    }

    public ServeSettings withDefaultMaxTokens(int tokens) {
        return new ServeSettings(host, port, servedModelName, apiKey, maxBodyBytes, tokens, template);
    }

    public ServeSettings withTemplate(String name) {
        return new ServeSettings(host, port, servedModelName, apiKey, maxBodyBytes, defaultMaxTokens,
                Optional.of(Objects.requireNonNull(name, "name")));
    }

    /** Never shows the key: settings end up in logs. */
    @Override
    public String toString() {
        return "ServeSettings[host=" + host + ", port=" + port + ", servedModelName=" + servedModelName
                + ", apiKey=" + (apiKey.isPresent() ? "[hidden]" : "none") + ", maxBodyBytes=" + maxBodyBytes
                + ", defaultMaxTokens=" + defaultMaxTokens + ", template=" + template.orElse("(model's own)") + "]";
    }
}
