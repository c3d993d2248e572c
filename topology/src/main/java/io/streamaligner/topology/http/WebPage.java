package io.streamaligner.topology.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The web view: {@code GET /} is a single page ({@code index.html}) and {@code /web/*} its script and style sheet, plain
 * files inside the jar ({@value #RESOURCES}) read once at start — no build step and nothing from another site. The page
 * asks through the gateway ({@code /v1/align}) and shows what comes back.
 *
 * <p>Model text is untrusted: the page's script puts it into the document as text only, and the
 * {@code Content-Security-Policy} every file is served with lets the page run its own script and nothing else
 * (no inline script, no other origin), so text that got into the markup anyway could not run.
 */
public final class WebPage extends Handler.Abstract.NonBlocking {

    /** The route of the page: the root alone (a servlet spec {@code /} would take every path no other route takes). */
    public static final String PAGE = "^/$";
    /** The route of its script and style sheet. */
    public static final String ASSETS = "/web/*";
    static final String RESOURCES = "stream-aligner/web/";
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /** The files and their types; the page is {@code /}, the others are under {@code /web/}. */
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8");

    private record Asset(String contentType, byte[] bytes) {
    }

    private final Map<String, Asset> byPath = new LinkedHashMap<>();

    public WebPage() {
        FILES.forEach((file, type) -> byPath.put(file.equals("index.html") ? "/" : "/web/" + file, new Asset(type, read(file))));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        Asset asset = byPath.get(request.getHttpURI().getDecodedPath());
        if (asset == null) {
            return text(response, callback, 404, "Not found.\n");
        }
        if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            return text(response, callback, 405, "Use GET.\n");
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, asset.contentType());
        response.getHeaders().put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, asset.bytes().length);
        // Jetty sends no body in answer to a HEAD
        response.write(true, ByteBuffer.wrap(asset.bytes()), callback);
        return true;
    }

    private static boolean text(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }

    private static byte[] read(String file) {
        try (InputStream in = WebPage.class.getClassLoader().getResourceAsStream(RESOURCES + file)) {
            if (in == null) {
                throw new IllegalStateException("the web view's " + file + " is not on the class path (" + RESOURCES + ")");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the web view's " + file, e);
        }
    }
}
