package io.streamaligner.inference.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The secret a server wants as {@code Authorization: Bearer <key>}, or none. It keeps the key out of logs, exception
 * messages and every {@code toString()}: only {@link #value()} reveals it, for the header.
 */
public final class ApiKey {

    /** No key: no {@code Authorization} header is sent. */
    public static final ApiKey NONE = new ApiKey(null, null, null);

    private final String value;
    /** Where the key came from, for descriptions of the configuration; null when given as is. */
    private final String environmentVariable;
    private final Path file;

    private ApiKey(String value, String environmentVariable, Path file) {
        if (value != null && !value.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            // an HTTP client would refuse the header and quote it in its message; never quote the key here
            throw new IllegalArgumentException("the API key" + (environmentVariable != null ? " in " + environmentVariable
                    : file != null ? " in " + file : "") + " holds a space, a line break or a character outside"
                    + " printable ASCII; a key file must hold the key alone, on one line");
        }
        this.value = value;
        this.environmentVariable = environmentVariable;
        this.file = file;
    }

    /**
     * A key given as is (tests, or a configuration value the application already read).
     *
     * @throws IllegalArgumentException if it is blank
     */
    public static ApiKey of(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isBlank()) {
            throw new IllegalArgumentException("an API key must not be blank");
        }
        return new ApiKey(key.strip(), null, null);
    }

    /**
     * The key held by an environment variable.
     *
     * @param env the environment to read ({@code System.getenv()} in production)
     * @throws IllegalArgumentException if the variable is unset or blank; the message names the variable only
     */
    public static ApiKey fromEnvironment(String variable, Map<String, String> env) {
        Objects.requireNonNull(variable, "variable");
        Objects.requireNonNull(env, "env");
        String key = env.get(variable);
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("the API key environment variable " + variable
                    + (key == null ? " is not set" : " is blank"));
        }
        return new ApiKey(key.strip(), variable, null);
    }

    /**
     * The key stored in a file (a mounted secret), surrounding whitespace and the trailing newline trimmed.
     *
     * @throws IllegalArgumentException if the file cannot be read or holds only whitespace; the message names the file
     */
    public static ApiKey fromFile(Path file) {
        Objects.requireNonNull(file, "file");
        String key;
        try {
            key = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("API key file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read API key file " + file + ": " + e.getMessage(), e);
        }
        if (key.isBlank()) {
            throw new IllegalArgumentException("API key file " + file + " is empty");
        }
        return new ApiKey(key.strip(), null, file);
    }

    /** The key itself, for the {@code Authorization} header only; empty for {@link #NONE}. */
    public Optional<String> value() {
        return Optional.ofNullable(value);
    }

    /** The environment variable the key was read from, if it was. */
    public Optional<String> environmentVariable() {
        return Optional.ofNullable(environmentVariable);
    }

    /** The file the key was read from, if it was. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    public boolean isPresent() {
        return value != null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ApiKey key && Objects.equals(value, key.value);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(value);
    }

    /** Never the key: {@code [hidden]}, or {@code (none)}. */
    @Override
    public String toString() {
        return value == null ? "(none)" : "[hidden]";
    }
}
