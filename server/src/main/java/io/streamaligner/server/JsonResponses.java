package io.streamaligner.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Writes a whole JSON response in one asynchronous write that completes the request's callback. */
public final class JsonResponses {

    public static final String JSON_TYPE = "application/json";

    private JsonResponses() {
    }

    public static void send(Response response, Callback callback, int status, JsonNode body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON_TYPE);
        Content.Sink.write(response, true, Json.write(body), callback);
    }

    public static void ok(Response response, Callback callback, JsonNode body) {
        send(response, callback, 200, body);
    }

    public static void error(Response response, Callback callback, ApiError error) {
        if (error.status() == 401) {
            // RFC 9110 11.6.1: a 401 names the scheme it wants
            response.getHeaders().put("WWW-Authenticate", "Bearer");
        }
        if (error.status() == 503) {
            // a limit or a start that passes in moments: clients that honour it wait a second rather than hammer
            response.getHeaders().put("Retry-After", "1");
        }
        send(response, callback, error.status(), error.toJson());
    }
}
