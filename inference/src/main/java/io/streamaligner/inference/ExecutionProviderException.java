package io.streamaligner.inference;

/** The execution provider that was asked for (e.g. CUDA) cannot be used on this host or with this build. */
public final class ExecutionProviderException extends InferenceException {

    public ExecutionProviderException(String message) {
        super(message);
    }

    public ExecutionProviderException(String message, Throwable cause) {
        super(message, cause);
    }
}
