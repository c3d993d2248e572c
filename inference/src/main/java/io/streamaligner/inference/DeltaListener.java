package io.streamaligner.inference;

/** Receives decoded text as it is generated: complete characters only, in order, per request. */
@FunctionalInterface
public interface DeltaListener {

    /**
     * Takes nothing. A caller that passes it wants the completion alone, and a backend may then answer without
     * streaming (the HTTP backend asks its server for the text whole when the request has no stop condition either).
     */
    DeltaListener NONE = (requestId, delta) -> { };

    void onDelta(String requestId, String delta);
}
