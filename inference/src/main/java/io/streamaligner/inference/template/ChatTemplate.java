package io.streamaligner.inference.template;

import io.streamaligner.inference.ChatTurns;

import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How a model's prompt is written from a conversation: an optional system turn, one user turn, and the assistant's
 * answer so far, left open for the model to continue. Two kinds:
 * <ul>
 *   <li>the model folder's own template, the Jinja {@code chat_template} of its {@code tokenizer_config.json}, rendered
 *       as transformers' {@code apply_chat_template} renders it ({@link JinjaChatTemplate});</li>
 *   <li>the built-in formats the Stream Aligner seed writes, by name ({@link #named}): the aligner's training format,
 *       the bundled toy models' format, and the fallback for a folder without a template.</li>
 * </ul>
 * Content put into a conversation never breaks the format: the template's markers and the model's special tokens
 * ({@link #withReserved}) are neutralized in it first. Implementations are immutable and thread-safe.
 */
public interface ChatTemplate {

    /**
     * A built-in template by name: {@code plain}, {@code llama2}, {@code llama3}, {@code gemma}, {@code chatml}
     * (or {@code qwen}), {@code toy}; case, {@code -} and {@code _} are ignored ({@code Llama-3} works).
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    static ChatTemplate named(String name) {
        return SeedChatTemplate.named(name);
    }

    /** The built-in templates' names, aliases included. */
    static Set<String> names() {
        return SeedChatTemplate.names();
    }

    /** The built-in template's name, or {@code chat_template} for a folder's own. */
    String name();

    /**
     * The conversation's prompt: its system turn (none when empty) and user turn, then the assistant turn opened for
     * the model (transformers' {@code add_generation_prompt}) or, when the conversation has an assistant prefix,
     * continued right after it (transformers' {@code continue_final_message}).
     *
     * @throws ChatTemplateException if the template refuses the conversation or cannot be rendered
     */
    String render(ChatTurns turns);

    /**
     * The upstream's prompt for one step: the aligned prefix so far as the open assistant turn, which the model
     * continues.
     *
     * @param system        system prompt, empty for none
     * @param question      the user's question
     * @param alignedPrefix the answer aligned so far, empty in the first round
     */
    default String upstreamPrompt(String system, String question, String alignedPrefix) {
        return render(new ChatTurns(system, question, alignedPrefix));
    }

    /** The aligner's prompt: the aligner input as the user turn, the answer from its start. */
    default String alignerPrompt(AlignerInput input) {
        Objects.requireNonNull(input, "input");
        return render(input.turns());
    }

    /**
     * The BOS token text this template writes at the start of every prompt ({@code <|begin_of_text|>} for Llama-3,
     * {@code <s>} for Llama-2), if it writes one: a server that adds its own BOS to a text prompt must be sent the
     * prompt without it.
     */
    Optional<String> leadingBos();

    /** This template, also neutralizing {@code strings} in content (pass the model's special tokens). */
    ChatTemplate withReserved(Collection<String> strings);

    /** What content is neutralized against. */
    ReservedStrings reserved();

    /**
     * This template with keyword arguments for its variables, as transformers' {@code apply_chat_template} passes
     * them ({@code enable_thinking=false}); built-in formats have none and ignore them.
     */
    ChatTemplate withArguments(TemplateArguments arguments);
}
