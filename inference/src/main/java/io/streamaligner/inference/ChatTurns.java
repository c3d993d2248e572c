package io.streamaligner.inference;

import java.util.Objects;

/**
 * The conversation a prompt renders: an optional system turn, one user turn, and the beginning of the assistant's
 * answer, left open for the model to continue. A backend that renders prompts itself (an OpenAI-compatible chat
 * endpoint) sends these turns; one that takes text gets them rendered by the model's chat template
 * ({@link io.streamaligner.inference.template.ChatTemplate#render(ChatTurns)}).
 *
 * @param system          the system prompt
 * @param user            the user turn
 * @param assistantPrefix the start of the assistant turn the model continues, empty to open a new turn
 * @param systemTurn      whether there is a system turn: always with a system prompt, and with an empty one only when
 *                        a client sent it so (many chat templates write a default system prompt when there is none,
 *                        and an empty system message is how a client asks them not to)
 */
public record ChatTurns(String system, String user, String assistantPrefix, boolean systemTurn) {

    public ChatTurns {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(assistantPrefix, "assistantPrefix");
        if (!system.isEmpty() && !systemTurn) {
            throw new IllegalArgumentException("a system prompt is a system turn");
        }
    }

    /** The conversation with a system turn when {@code system} is not empty, none when it is. */
    public ChatTurns(String system, String user, String assistantPrefix) {
        this(system, user, assistantPrefix, !system.isEmpty());
    }

    /** A user turn alone, answered from the start. */
    public static ChatTurns user(String user) {
        return new ChatTurns("", user, "");
    }

    /** Whether the model continues a partly written answer rather than starting one. */
    public boolean continuesAnswer() {
        return !assistantPrefix.isEmpty();
    }
}
