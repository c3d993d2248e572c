package io.streamaligner.inference.template;

import io.streamaligner.inference.InferenceException;

/**
 * A chat template refused a conversation ({@code raise_exception} in the template, such as "Conversation roles must
 * alternate") or could not be rendered: the same conversation fails the same way every time.
 */
public final class ChatTemplateException extends InferenceException {

    public ChatTemplateException(String message) {
        super(message);
    }

    public ChatTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
