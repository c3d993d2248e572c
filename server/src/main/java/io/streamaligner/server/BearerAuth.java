package io.streamaligner.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;

/**
 * The API key check: {@code Authorization: Bearer KEY} on every {@code /v1/*} request when a key is configured ({@code serve}
 * and the application's alignment gateway).
 */
public final class BearerAuth {

    private static final String SCHEME = "Bearer ";

    /** The key's bytes, or null when every request is allowed. */
    private final byte[] key;

    private BearerAuth(byte[] key) {
        this.key = key;
    }

    public static BearerAuth of(Optional<String> apiKey) {
        Objects.requireNonNull(apiKey, "apiKey");
        return new BearerAuth(apiKey.map(value -> value.getBytes(StandardCharsets.UTF_8)).orElse(null));
    }

    public boolean required() {
        return key != null;
    }

    /** @param authorization the request's {@code Authorization} header, null when absent */
    public boolean allows(String authorization) {
        if (key == null) {
            return true;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        byte[] given = authorization.substring(SCHEME.length()).strip().getBytes(StandardCharsets.UTF_8);
        // constant time in the key's content, so a wrong key says nothing about how close it was
        return MessageDigest.isEqual(key, given);
    }

    @Override
    public String toString() {
        return key == null ? "BearerAuth[off]" : "BearerAuth[on]";
    }
}
