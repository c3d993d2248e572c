package io.streamaligner.server;

import io.streamaligner.inference.CompletionRequest;

import java.util.Objects;

/**
 * A checked request, ready for the engine: what to generate and how to answer.
 *
 * @param request     the engine's request (its stop rule is {@code stops})
 * @param stops       the request's stop strings, which also say which one cut the text
 * @param stream      answer as server-sent events
 * @param shape       the response's JSON objects
 * @param promptParam the request field a too-long prompt is blamed on ({@code messages} or {@code prompt})
 */
record PreparedGeneration(CompletionRequest request, StopStrings stops, boolean stream, ResponseShape shape,
                          String promptParam) {

    PreparedGeneration {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(stops, "stops");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(promptParam, "promptParam");
        if (request.stop() != stops) {
            throw new IllegalArgumentException("the request must stop at the given stop strings");
        }
    }
}
