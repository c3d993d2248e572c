package io.streamaligner.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamaligner.inference.PromptTooLongException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * A request the server answers with an error: its HTTP status and OpenAI's error object
 * {@code {"error": {"message", "type", "param", "code"}}}. Thrown while a request is read and checked; written by
 * {@link JsonResponses#error}. The application's alignment gateway answers its errors in the same shape.
 */
public final class ApiError extends RuntimeException {

    static final String INVALID_REQUEST = "invalid_request_error";
    static final String SERVER_ERROR = "server_error";

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    ApiError(int status, String type, String param, String code, String message) {
        // no stack trace: these are answers, not bugs
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    public static ApiError badRequest(String param, String message) {
        return new ApiError(400, INVALID_REQUEST, param, null, message);
    }

    public static ApiError unauthorized() {
        return new ApiError(401, INVALID_REQUEST, null, "invalid_api_key",
                "Incorrect or missing API key: send it as 'Authorization: Bearer KEY'.");
    }

    static ApiError modelNotFound(String model) {
        return new ApiError(404, INVALID_REQUEST, "model", "model_not_found",
                "The model `" + model + "` does not exist.");
    }

    public static ApiError unknownPath(String method, String path) {
        return new ApiError(404, INVALID_REQUEST, null, null, "Invalid URL (" + method + " " + path + ")");
    }

    public static ApiError methodNotAllowed(String method, String path, String allowed) {
        return new ApiError(405, INVALID_REQUEST, null, "method_not_allowed",
                method + " is not allowed on " + path + "; use " + allowed + ".");
    }

    public static ApiError tooLarge(int limit) {
        return new ApiError(413, INVALID_REQUEST, null, "request_too_large",
                "The request body is larger than this server's limit of " + limit + " bytes.");
    }

    /** 403: the request is refused whoever sends it, for the reason the message gives. */
    public static ApiError forbidden(String code, String message) {
        return new ApiError(403, INVALID_REQUEST, null, code, message);
    }

    /** 404 for something the path names that is not there (an unknown request id). */
    public static ApiError notFound(String code, String message) {
        return new ApiError(404, INVALID_REQUEST, null, code, message);
    }

    /** 415: the body is not in the media type the endpoint reads. */
    public static ApiError unsupportedMediaType(String expected) {
        return new ApiError(415, INVALID_REQUEST, null, "unsupported_media_type",
                "Send the body as " + expected + " (Content-Type: " + expected + ").");
    }

    /** 503: the server cannot take this now (a limit is reached, or it is starting or stopping); trying later may work. */
    public static ApiError unavailable(String code, String message) {
        return new ApiError(503, SERVER_ERROR, null, code, message);
    }

    public static ApiError serverError(String message) {
        return new ApiError(500, SERVER_ERROR, null, null, message);
    }

    /** What a generation's failure is answered with: a prompt too long for the context is the client's, the rest ours. */
    static ApiError fromGenerationFailure(Throwable failure, String promptParam) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof PromptTooLongException) {
            return new ApiError(400, INVALID_REQUEST, promptParam, "context_length_exceeded", cause.getMessage());
        }
        return serverError("generation failed: " + cause.getMessage());
    }

    public int status() {
        return status;
    }

    public ObjectNode toJson() {
        ObjectNode error = Json.MAPPER.createObjectNode();
        error.put("message", getMessage());
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("error", error);
        return body;
    }
}
