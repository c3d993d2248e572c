package io.streamaligner.topology.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A route that answers GET (and HEAD) with a whole body computed at once; another method is answered 405. The body is
 * built on Jetty's thread, so it must be quick: a snapshot of what is already known, never a wait.
 */
abstract class GetEndpoint extends Handler.Abstract.NonBlocking {

    /** What one GET answers. */
    record Reply(int status, String contentType, String body) {
    }

    /** The reply to a GET now. */
    abstract Reply reply();

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
            response.setStatus(405);
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            callback.succeeded();
            return true;
        }
        Reply reply = reply();
        response.setStatus(reply.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        byte[] body = HttpMethod.HEAD.is(method) ? new byte[0] : reply.body().getBytes(StandardCharsets.UTF_8);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
