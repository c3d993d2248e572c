package io.streamaligner.inference.template;

import io.streamaligner.inference.ChatTurns;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A built-in chat format with one user turn and an open assistant turn, as the Stream Aligner seed writes them
 * ({@code {system}}, {@code {user}} and {@code {answer}} are the slots):
 * <ul>
 *   <li>{@code plain}: {@code BEGINNING OF CONVERSATION: USER: {user} ASSISTANT: {answer}}</li>
 *   <li>{@code llama2}: {@code <s>[INST] <<SYS>>\n{system}\n<</SYS>>\n\n{user} [/INST]\n{answer}}</li>
 *   <li>{@code llama3}: header ids and {@code <|eot_id|>}, system turn first</li>
 *   <li>{@code gemma}: {@code <start_of_turn>user\n{user}<end_of_turn>\n<start_of_turn>model{answer}}</li>
 *   <li>{@code chatml} (alias {@code qwen}): {@code <|im_start|>}/{@code <|im_end|>} turns, system first</li>
 *   <li>{@code toy}: {@code <|user|>{user}<|assistant|>{answer}}, the bundled models' format</li>
 * </ul>
 * The answer is left open, so the model continues it. Templates with a system slot render it even when empty
 * (as the seed does); templates without one put a non-blank system prompt before the user text.
 *
 * <p>Content put into a slot never breaks the format: the template's own markers, and any extra reserved
 * strings (a model's special tokens, see {@link #withReserved}), are neutralized first. Immutable.
 */
final class SeedChatTemplate implements ChatTemplate {

    private static final String SYSTEM = "{system}";
    private static final String USER = "{user}";
    private static final String ANSWER = "{answer}";

    private static final Map<String, SeedChatTemplate> BUILT_IN = Map.of(
            "plain", new SeedChatTemplate("plain",
                    "BEGINNING OF CONVERSATION: USER: {user} ASSISTANT: {answer}",
                    List.of("BEGINNING OF CONVERSATION:", "USER:", "ASSISTANT:")),
            "llama2", new SeedChatTemplate("llama2",
                    "<s>[INST] <<SYS>>\n{system}\n<</SYS>>\n\n{user} [/INST]\n{answer}",
                    List.of("<s>", "</s>", "[INST]", "[/INST]", "<<SYS>>", "<</SYS>>")),
            "llama3", new SeedChatTemplate("llama3",
                    "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n{system}<|eot_id|>"
                            + "<|start_header_id|>user<|end_header_id|>\n{user}<|eot_id|>"
                            + "<|start_header_id|>assistant<|end_header_id|>{answer}",
                    List.of("<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>",
                            "<|end_of_text|>")),
            "gemma", new SeedChatTemplate("gemma",
                    "<start_of_turn>user\n{user}<end_of_turn>\n<start_of_turn>model{answer}",
                    List.of("<start_of_turn>", "<end_of_turn>", "<bos>", "<eos>")),
            "chatml", new SeedChatTemplate("chatml",
                    "<|im_start|>system\n{system}<|im_end|><|im_start|>user\n{user}<|im_end|>\n"
                            + "<|im_start|>assistant{answer}",
                    List.of("<|im_start|>", "<|im_end|>", "<|endoftext|>")),
            "toy", new SeedChatTemplate("toy",
                    "<|user|>{user}<|assistant|>{answer}",
                    List.of("<|user|>", "<|assistant|>", "<|end|>", "<|end_of_answer|>", "<|pad|>")));

    /** BOS tokens as the built-in formats write them. */
    private static final List<String> BOS_TEXTS = List.of("<|begin_of_text|>", "<s>", "<bos>");

    private static final Map<String, String> ALIASES = Map.of("qwen", "chatml");

    private final String name;
    /** the format cut at its slots: literal text and slot names, in order. */
    private final List<String> pieces;
    private final boolean hasSystemSlot;
    private final ReservedStrings reserved;

    private SeedChatTemplate(String name, String format, Collection<String> markers) {
        this(name, split(format), format.contains(SYSTEM), ReservedStrings.of(markers));
    }

    private SeedChatTemplate(String name, List<String> pieces, boolean hasSystemSlot, ReservedStrings reserved) {
        this.name = name;
        this.pieces = pieces;
        this.hasSystemSlot = hasSystemSlot;
        this.reserved = reserved;
    }

    /** See {@link ChatTemplate#named}. */
    static SeedChatTemplate named(String name) {
        Objects.requireNonNull(name, "name");
        String key = name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        SeedChatTemplate template = BUILT_IN.get(ALIASES.getOrDefault(key, key));
        if (template == null) {
            throw new IllegalArgumentException("unknown chat template '" + name + "', known: " + names());
        }
        return template;
    }

    @Override
    public Optional<String> leadingBos() {
        String start = pieces.isEmpty() ? "" : pieces.get(0);
        return BOS_TEXTS.stream().filter(start::startsWith).findFirst();
    }

    static Set<String> names() {
        Set<String> names = new TreeSet<>(BUILT_IN.keySet());
        names.addAll(ALIASES.keySet());
        return names;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SeedChatTemplate withReserved(Collection<String> strings) {
        return new SeedChatTemplate(name, pieces, hasSystemSlot, reserved.plus(strings));
    }

    @Override
    public ReservedStrings reserved() {
        return reserved;
    }

    /** Built-in formats have no template variables: the same template, whatever the arguments. */
    @Override
    public SeedChatTemplate withArguments(TemplateArguments arguments) {
        Objects.requireNonNull(arguments, "arguments");
        return this;
    }

    /** The conversation's prompt: its system and user turns, its assistant prefix left open. */
    @Override
    public String render(ChatTurns turns) {
        Objects.requireNonNull(turns, "turns");
        return render(turns.system(), turns.user(), turns.assistantPrefix());
    }

    /**
     * Fills the slots. Every value is neutralized against this template's reserved strings first.
     *
     * @param system empty for none
     * @param user   the user turn
     * @param answer the beginning of the assistant turn, left open
     */
    public String render(String system, String user, String answer) {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(answer, "answer");
        String userText = !hasSystemSlot && !system.isBlank() ? system + "\n\n" + user : user;
        StringBuilder prompt = new StringBuilder();
        for (String piece : pieces) {
            switch (piece) {
                case SYSTEM -> prompt.append(reserved.neutralize(system));
                case USER -> prompt.append(reserved.neutralize(userText));
                case ANSWER -> prompt.append(reserved.neutralize(answer));
                default -> prompt.append(piece);
            }
        }
        return prompt.toString();
    }

    @Override
    public String toString() {
        return "ChatTemplate[" + name + "]";
    }

    /** Cuts a format at its slots once, so slot-like text inside content is never substituted. */
    private static List<String> split(String format) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < format.length()) {
            int next = -1;
            String slot = null;
            for (String candidate : List.of(SYSTEM, USER, ANSWER)) {
                int at = format.indexOf(candidate, start);
                if (at >= 0 && (next < 0 || at < next)) {
                    next = at;
                    slot = candidate;
                }
            }
            if (slot == null) {
                pieces.add(format.substring(start));
                break;
            }
            if (next > start) {
                pieces.add(format.substring(start, next));
            }
            pieces.add(slot);
            start = next + slot.length();
        }
        return List.copyOf(pieces);
    }
}
