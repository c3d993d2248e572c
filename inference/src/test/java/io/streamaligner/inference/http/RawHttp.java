package io.streamaligner.inference.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reading HTTP/1.1 requests off a plain socket, for test servers that must misbehave in ways an HTTP server library
 * will not (drop a kept-alive connection, reset mid-stream).
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** The request line and headers, up to the blank line; null at the end of the connection. */
    public static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        try {
            for (int b; (b = in.read()) != -1; ) {
                head.write(b);
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
                if (matched == end.length) {
                    return head.toString(StandardCharsets.US_ASCII);
                }
            }
        } catch (SocketException closed) {
            return null;
        }
        return null;
    }

    /** The {@code Content-Length} of a request head, 0 without one. */
    public static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals("content-length")) {
                return Integer.parseInt(line.substring(colon + 1).strip());
            }
        }
        return 0;
    }
}
