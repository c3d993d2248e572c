package io.streamaligner.topology.processor;

import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What a dead letter keeps of the record it stands for: all of it, unless that could not be produced. A record that
 * just fits the source topic's limit, copied with the dead letter's headers added, would exceed the producer's request
 * size (1 MiB by default); the failed send would fail the stream thread, and the record, read again, would fail every
 * instance in turn. So a large key, value or message is cut to a size that always fits, and the dead letter says how
 * large the value was; its source headers name where the whole record still is.
 */
public final class DeadLetterSizes {

    public static final String HEADER_VALUE_BYTES = "dead-letter.source.value-bytes";
    /** Well below the producer's default request size, leaving room for the key and the headers. */
    public static final int MAX_VALUE_BYTES = 512 * 1024;
    static final int MAX_KEY_BYTES = 16 * 1024;
    static final int MAX_MESSAGE_CHARS = 2000;

    private DeadLetterSizes() {
    }

    /** The value to carry: {@code value} itself, or its first {@link #MAX_VALUE_BYTES} with a header saying its size. */
    static byte[] value(byte[] value, Headers headers) {
        if (value == null || value.length <= MAX_VALUE_BYTES) {
            return value;
        }
        headers.add(HEADER_VALUE_BYTES, Integer.toString(value.length).getBytes(StandardCharsets.UTF_8));
        return Arrays.copyOf(value, MAX_VALUE_BYTES);
    }

    /** The key bytes to carry: at most {@link #MAX_KEY_BYTES} of them. */
    static byte[] key(byte[] key) {
        return key == null || key.length <= MAX_KEY_BYTES ? key : Arrays.copyOf(key, MAX_KEY_BYTES);
    }

    /** A request-id key to carry, cut like {@link #key(byte[])} (on a character boundary). */
    static String key(String key) {
        if (key == null || key.length() * 3 <= MAX_KEY_BYTES) {
            return key;
        }
        return key.substring(0, MAX_KEY_BYTES / 3);
    }

    /** An error message to carry: at most {@link #MAX_MESSAGE_CHARS} characters. */
    static String message(String message) {
        return message.length() <= MAX_MESSAGE_CHARS ? message : message.substring(0, MAX_MESSAGE_CHARS) + " …";
    }
}
