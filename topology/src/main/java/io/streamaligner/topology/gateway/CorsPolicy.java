package io.streamaligner.topology.gateway;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

import java.util.List;
import java.util.Objects;

/**
 * Which pages of other origins a browser lets call {@code /v1/*} ({@code streamaligner.http.cors-origins}): none unless
 * configured. Without CORS headers a browser neither shows another origin's page a response nor sends it a JSON
 * {@code POST} (that needs a preflight, which goes unanswered), so the gateway's own page is the only one that can use
 * it from a browser.
 */
final class CorsPolicy {

    static final String ALLOWED_METHODS = "GET, POST";
    static final String ALLOWED_HEADERS = "authorization, content-type";
    static final String PREFLIGHT_MAX_AGE_SECONDS = "600";

    private final List<String> origins;

    CorsPolicy(List<String> origins) {
        this.origins = List.copyOf(Objects.requireNonNull(origins, "origins"));
    }

    /**
     * Adds the CORS headers a response to an allowed origin carries.
     *
     * @return whether the request is a preflight of an allowed origin, which is answered 204 with nothing else to do
     */
    boolean decorate(Request request, Response response) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null || !(origins.contains("*") || origins.contains(origin))) {
            return false;
        }
        response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origins.contains("*") ? "*" : origin);
        response.getHeaders().add(HttpHeader.VARY, "Origin");
        boolean preflight = HttpMethod.OPTIONS.is(request.getMethod())
                && request.getHeaders().contains(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD);
        if (preflight) {
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS);
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS);
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_MAX_AGE, PREFLIGHT_MAX_AGE_SECONDS);
        }
        return preflight;
    }
}
