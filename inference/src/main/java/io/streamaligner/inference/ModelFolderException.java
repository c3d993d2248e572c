package io.streamaligner.inference;

/** A model folder, or the model in it, does not have the layout or signature the engine needs. */
public final class ModelFolderException extends InferenceException {

    public ModelFolderException(String message) {
        super(message);
    }

    public ModelFolderException(String message, Throwable cause) {
        super(message, cause);
    }
}
