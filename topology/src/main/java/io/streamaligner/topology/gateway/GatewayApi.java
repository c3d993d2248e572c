package io.streamaligner.topology.gateway;

import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.server.ApiError;
import io.streamaligner.server.BearerAuth;
import io.streamaligner.server.BodyReader;
import io.streamaligner.server.Json;
import io.streamaligner.server.JsonResponses;
import io.streamaligner.topology.metrics.LoopFigures;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's HTTP API, every path under {@code /v1/}:
 * <ul>
 *   <li>{@code POST /v1/align} with a JSON body ({@link AlignRequestBody}): sends the request into the loop and answers
 *       {@code text/event-stream} with its events as they happen ({@link AlignmentEvents}), ending after its final;</li>
 *   <li>{@code GET /v1/requests/{id}/events}: the same stream for a request the gateway sent and still keeps — its
 *       events so far at once, then live until the final;</li>
 *   <li>{@code GET /v1/loop}: the loop's figures ({@link LoopPanel}).</li>
 * </ul>
 * With an API key configured every request needs {@code Authorization: Bearer KEY}; an origin allowed by
 * {@link CorsPolicy} gets CORS headers. Every error is a JSON error object with its 4xx or 5xx status: a body that is
 * not JSON or asks for something invalid (400), a missing key (401), an unknown request (404), a wrong method (405), a
 * body too large (413) or not JSON (415), too many open streams or kept requests still running (503). It never blocks:
 * bodies are read and streams written asynchronously.
 */
public final class GatewayApi extends Handler.Abstract.NonBlocking {

    static final String ALIGN = "/v1/align";
    static final String LOOP = "/v1/loop";
    static final Pattern REQUEST_EVENTS = Pattern.compile("/v1/requests/([^/]+)/events");
    /** A question is at most {@code streamaligner.request.max-question-bytes}; this bounds what is read to find out. */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    /** What a client is told of a bug here: the details go to the log, not to whoever asked. */
    private static final String INTERNAL_ERROR = "internal error; the application's log has the details";
    private static final Logger LOG = LoggerFactory.getLogger(GatewayApi.class);

    private final AlignGateway gateway;
    private final BearerAuth auth;
    private final CorsPolicy cors;
    private final LoopPanel panel;

    /**
     * @param apiKey      the key every request must carry, if any
     * @param corsOrigins the origins allowed to call from a browser ({@code *} for any); empty for none
     * @param figures     the loop's figures now
     */
    public GatewayApi(AlignGateway gateway, Optional<String> apiKey, List<String> corsOrigins, Supplier<LoopFigures> figures) {
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.auth = BearerAuth.of(apiKey);
        this.cors = new CorsPolicy(corsOrigins);
        this.panel = new LoopPanel(figures, gateway);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        String path = normalize(request.getHttpURI().getDecodedPath());
        try {
            if (cors.decorate(request, response)) {
                response.setStatus(204);
                callback.succeeded();
                return true;
            }
            if (!auth.allows(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
                throw ApiError.unauthorized();
            }
            if (!auth.required() && !addressedAsLoopback(request)) {
                throw ApiError.forbidden("host_not_allowed", "Without an API key (streamaligner.http.api-key-env) this "
                        + "port answers /v1/* only when addressed as localhost, 127.0.0.1 or [::1].");
            }
            Matcher events = REQUEST_EVENTS.matcher(path);
            if (path.equals(ALIGN)) {
                requireMethod(method, "POST", path, response);
                align(request, response, callback);
            } else if (events.matches()) {
                requireMethod(method, "GET", path, response);
                replay(events.group(1), request, response, callback);
            } else if (path.equals(LOOP)) {
                requireMethod(method, "GET", path, response);
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
                JsonResponses.ok(response, callback, panel.now());
            } else {
                throw ApiError.unknownPath(method, path);
            }
        } catch (ApiError error) {
            JsonResponses.error(response, callback, error);
        } catch (RuntimeException bug) {
            LOG.error("{} {} failed", method, path, bug);
            JsonResponses.error(response, callback, ApiError.serverError(INTERNAL_ERROR));
        }
        return true;
    }

    private void align(Request request, Response response, Callback callback) {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        // a JSON body also makes another origin's page ask first (a preflight), which goes unanswered without CORS
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(JsonResponses.JSON_TYPE)) {
            throw ApiError.unsupportedMediaType(JsonResponses.JSON_TYPE);
        }
        // the stream's permit is taken once the body is in, so that a client slow to send it holds none meanwhile
        BodyReader.read(request, MAX_BODY_BYTES, new BodyReader.Outcome() {
            @Override
            public void body(byte[] bytes) {
                AlignmentRequest alignment;
                StreamPermits.Permit permit = null;
                RequestEvents events;
                try {
                    alignment = gateway.read(Json.readObject(bytes));
                    permit = gateway.takeStream().orElseThrow(GatewayApi.this::tooManyStreams);
                    events = gateway.admit(alignment);
                } catch (ApiError error) {
                    release(permit);
                    JsonResponses.error(response, callback, error);
                    return;
                } catch (RuntimeException bug) {
                    release(permit);
                    LOG.error("POST {} failed", ALIGN, bug);
                    JsonResponses.error(response, callback, ApiError.serverError(INTERNAL_ERROR));
                    return;
                }
                EventStream.open(request, response, callback, permit).follow(events);
                gateway.send(alignment, events);
            }

            @Override
            public void tooLarge() {
                // what is left unread of the body is not worth keeping the connection for
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
                JsonResponses.error(response, callback, ApiError.tooLarge(MAX_BODY_BYTES));
            }

            @Override
            public void failed(Throwable cause) {
                callback.failed(cause);
            }
        });
    }

    private void replay(String requestId, Request request, Response response, Callback callback) {
        RequestEvents events = gateway.find(requestId).orElseThrow(() -> ApiError.notFound("request_not_found",
                "No request " + requestId + " is known here: the gateway keeps the events of the requests it sent, "
                        + "the oldest finished ones dropped first."));
        StreamPermits.Permit permit = gateway.takeStream().orElseThrow(this::tooManyStreams);
        EventStream.open(request, response, callback, permit).follow(events);
    }

    /**
     * Whether a request to a port bound to a loopback address names a loopback host, as a local client or the page
     * does. Binding 127.0.0.1 alone does not keep out another site's page in a local browser: by DNS rebinding its
     * own name comes to resolve to 127.0.0.1 and the browser treats the port as that site's. Its Host header gives it
     * away. A port bound elsewhere is reached by other names, and is to be guarded by a key.
     */
    private static boolean addressedAsLoopback(Request request) {
        if (!(request.getConnectionMetaData().getLocalSocketAddress() instanceof InetSocketAddress local)
                || local.getAddress() == null || !local.getAddress().isLoopbackAddress()) {
            return true;
        }
        String host = Request.getServerName(request).toLowerCase(Locale.ROOT);
        return host.equals("localhost") || host.endsWith(".localhost") || host.equals("[::1]") || host.equals("::1")
                || host.matches("127(\\.\\d{1,3}){3}");
    }

    private static void release(StreamPermits.Permit permit) {
        if (permit != null) {
            permit.release();
        }
    }

    private ApiError tooManyStreams() {
        return ApiError.unavailable("too_many_streams", "As many event streams are open as this gateway serves ("
                + gateway.maxStreams() + "); try again when one has ended.");
    }

    private static void requireMethod(String method, String allowed, String path, Response response) {
        if (!allowed.equals(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, allowed);
            throw ApiError.methodNotAllowed(method, path, allowed);
        }
    }

    /** {@code /v1/align/} is {@code /v1/align}. */
    private static String normalize(String path) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
