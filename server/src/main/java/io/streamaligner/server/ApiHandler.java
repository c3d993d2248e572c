package io.streamaligner.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The server's one Jetty handler: checks the API key on {@code /v1/*}, routes by path and method, reads bodies
 * asynchronously and hands generation requests to a {@link GenerationExchange}. It never blocks, so Jetty may call it
 * on any thread; every answer, errors included, is JSON.
 */
final class ApiHandler extends Handler.Abstract.NonBlocking {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

    /** The paths served, each with its one method. */
    enum Route {
        HEALTH("/health", "GET"),
        MODELS("/v1/models", "GET"),
        CHAT_COMPLETIONS("/v1/chat/completions", "POST"),
        COMPLETIONS("/v1/completions", "POST");

        final String path;
        final String method;

        Route(String path, String method) {
            this.path = path;
            this.method = method;
        }

        static Optional<Route> of(String path) {
            return Arrays.stream(values()).filter(route -> route.path.equals(path)).findFirst();
        }
    }

    private final ServedModel model;
    private final BearerAuth auth;
    private final int maxBodyBytes;
    private final GenerationTracker tracker;
    private final GenerationEndpoint chatCompletions;
    private final GenerationEndpoint completions;

    ApiHandler(ServedModel model, BearerAuth auth, int maxBodyBytes, GenerationTracker tracker,
               GenerationEndpoint chatCompletions, GenerationEndpoint completions) {
        this.model = Objects.requireNonNull(model, "model");
        this.auth = Objects.requireNonNull(auth, "auth");
        this.maxBodyBytes = maxBodyBytes;
        this.tracker = Objects.requireNonNull(tracker, "tracker");
        this.chatCompletions = Objects.requireNonNull(chatCompletions, "chatCompletions");
        this.completions = Objects.requireNonNull(completions, "completions");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            String path = normalize(Request.getPathInContext(request));
            boolean api = path.equals("/v1") || path.startsWith("/v1/");
            if (api && !auth.allows(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
                throw ApiError.unauthorized();
            }
            Route route = Route.of(path).orElseThrow(() -> ApiError.unknownPath(request.getMethod(), path));
            if (!route.method.equals(request.getMethod())) {
                response.getHeaders().put(HttpHeader.ALLOW, route.method);
                throw ApiError.methodNotAllowed(request.getMethod(), path, route.method);
            }
            switch (route) {
                case HEALTH -> JsonResponses.ok(response, callback, Json.MAPPER.createObjectNode().put("status", "ok"));
                case MODELS -> JsonResponses.ok(response, callback, models());
                case CHAT_COMPLETIONS -> generate(chatCompletions, request, response, callback);
                case COMPLETIONS -> generate(completions, request, response, callback);
            }
        } catch (ApiError error) {
            JsonResponses.error(response, callback, error);
        } catch (RuntimeException bug) {
            LOG.error("request {} {} failed", request.getMethod(), request.getHttpURI().getPath(), bug);
            JsonResponses.error(response, callback, ApiError.serverError("internal error: " + bug));
        }
        return true;
    }

    private void generate(GenerationEndpoint endpoint, Request request, Response response, Callback callback) {
        BodyReader.read(request, maxBodyBytes, new BodyReader.Outcome() {
            @Override
            public void body(byte[] bytes) {
                try {
                    PreparedGeneration prepared = endpoint.prepare(Json.readObject(bytes));
                    new GenerationExchange(prepared, model.endOfAnswerToken(), request, response, callback)
                            .start(tracker);
                } catch (ApiError error) {
                    JsonResponses.error(response, callback, error);
                } catch (RuntimeException bug) {
                    LOG.error("request {} failed", request.getHttpURI().getPath(), bug);
                    JsonResponses.error(response, callback, ApiError.serverError("internal error: " + bug));
                }
            }

            @Override
            public void tooLarge() {
                // what is left unread of the body is not worth keeping the connection for
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
                JsonResponses.error(response, callback, ApiError.tooLarge(maxBodyBytes));
            }

            @Override
            public void failed(Throwable cause) {
                callback.failed(cause);
            }
        });
    }

    private ObjectNode models() {
        ObjectNode list = Json.MAPPER.createObjectNode();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        ObjectNode entry = data.addObject();
        entry.put("id", model.name());
        entry.put("object", "model");
        entry.put("created", model.created());
        entry.put("owned_by", "stream-aligner");
        entry.put("max_model_len", model.maxModelLength());
        return list;
    }

    /** {@code /v1/models/} is {@code /v1/models}. */
    private static String normalize(String path) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
