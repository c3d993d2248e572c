package io.streamaligner.inference;

/** Receives decoded text as it is generated: complete characters only, in order, per request. */
@FunctionalInterface
public interface DeltaListener {

    DeltaListener NONE = (requestId, delta) -> { };

    void onDelta(String requestId, String delta);
}
