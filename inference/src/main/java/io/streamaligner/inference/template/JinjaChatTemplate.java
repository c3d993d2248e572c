package io.streamaligner.inference.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import io.streamaligner.inference.ChatTurns;
import io.streamaligner.inference.model.TokenizerConfig;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import jinjava.javax.el.CompositeELResolver;

/**
 * A model folder's own chat template: the Jinja {@code chat_template} of its {@code tokenizer_config.json}, rendered
 * as transformers' {@code apply_chat_template} renders it, so the prompt is the one the model was trained on and the
 * one an OpenAI-compatible server (vLLM, TGI, llama.cpp) renders from the same folder:
 * <ul>
 *   <li>Jinja with {@code trim_blocks} and {@code lstrip_blocks}, {@code break}/{@code continue}, the globals
 *       {@code raise_exception} and {@code strftime_now}, and Python's {@code str} methods (HubSpot's Jinjava);</li>
 *   <li>variables {@code messages} ({@code role} and {@code content} each), {@code add_generation_prompt},
 *       {@code tools} and {@code documents} (none), the folder's special tokens ({@code bos_token}, {@code eos_token},
 *       …, {@code additional_special_tokens}) and the {@link TemplateArguments};</li>
 *   <li>a conversation that ends in an assistant prefix is rendered with it as the last message and no generation
 *       prompt, then cut right after the prefix's text, whatever the template writes after it (transformers'
 *       {@code continue_final_message}).</li>
 * </ul>
 * Content is neutralized against the reserved strings before it goes into a message. Immutable and thread-safe.
 */
public final class JinjaChatTemplate implements ChatTemplate {

    /** This template's {@link #name()}: the field it comes from. */
    public static final String NAME = "chat_template";

    /** Variables a render sets itself, which arguments must not replace. */
    private static final Set<String> RENDER_VARIABLES = Set.of("messages", "add_generation_prompt", "tools", "documents");

    private static final Jinjava JINJAVA = newJinjava();

    private final String source;
    /** The source as Jinjava reads it ({@link JinjaDialect}). */
    private final String jinjavaSource;
    private final Map<String, Object> specialTokens;
    private final TemplateArguments arguments;
    private final ReservedStrings reserved;
    private final Optional<String> bosToken;

    private JinjaChatTemplate(String source, Map<String, Object> specialTokens, TemplateArguments arguments,
                              ReservedStrings reserved, Optional<String> bosToken) {
        this.source = source;
        this.jinjavaSource = JinjaDialect.toJinjava(source);
        this.specialTokens = specialTokens;
        this.arguments = arguments;
        this.reserved = reserved;
        this.bosToken = bosToken;
    }

    /**
     * The template of a tokenizer configuration, with its special tokens as variables and reserved in content.
     *
     * @throws IllegalArgumentException if the configuration has no chat template
     * @throws ChatTemplateException    if the template does not parse
     */
    public static JinjaChatTemplate of(TokenizerConfig config) {
        Objects.requireNonNull(config, "config");
        String source = config.chatTemplate().orElseThrow(() -> new IllegalArgumentException(
                "the tokenizer configuration has no chat_template"));
        Map<String, Object> special = new LinkedHashMap<>(config.specialTokens());
        special.put("additional_special_tokens", config.additionalSpecialTokens());
        JinjaChatTemplate template = new JinjaChatTemplate(source, Map.copyOf(special), TemplateArguments.NONE,
                ReservedStrings.of(config.allSpecialTokens()), config.bosToken());
        template.render(ChatTurns.user("Hi")); // a template that cannot render anything fails here, not per request
        return template;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The Jinja source. */
    public String source() {
        return source;
    }

    public TemplateArguments arguments() {
        return arguments;
    }

    @Override
    public String render(ChatTurns turns) {
        Objects.requireNonNull(turns, "turns");
        List<Map<String, Object>> messages = new ArrayList<>(3);
        if (turns.systemTurn()) {
            messages.add(message("system", reserved.neutralize(turns.system())));
        }
        messages.add(message("user", reserved.neutralize(turns.user())));
        String prefix = reserved.neutralize(turns.assistantPrefix());
        if (turns.continuesAnswer()) {
            messages.add(message("assistant", prefix));
        }
        Map<String, Object> variables = new HashMap<>(specialTokens);
        variables.putAll(arguments.values());
        variables.put("messages", messages);
        variables.put("add_generation_prompt", !turns.continuesAnswer());
        variables.put("tools", null);
        variables.put("documents", null);
        String rendered = renderJinja(variables);
        return turns.continuesAnswer() ? cutAfterFinalMessage(rendered, prefix) : rendered;
    }

    /** The BOS token, when the template writes it first (Llama-3's and Gemma's do). */
    @Override
    public Optional<String> leadingBos() {
        return bosToken.filter(bos -> render(ChatTurns.user("Hi")).startsWith(bos));
    }

    @Override
    public JinjaChatTemplate withReserved(Collection<String> strings) {
        return new JinjaChatTemplate(source, specialTokens, arguments, reserved.plus(strings), bosToken);
    }

    @Override
    public ReservedStrings reserved() {
        return reserved;
    }

    /**
     * @throws IllegalArgumentException if an argument names a variable the render sets itself ({@code messages},
     *                                  {@code add_generation_prompt}, {@code tools}, {@code documents})
     */
    @Override
    public JinjaChatTemplate withArguments(TemplateArguments more) {
        Objects.requireNonNull(more, "more");
        for (String name : more.values().keySet()) {
            if (RENDER_VARIABLES.contains(name)) {
                throw new IllegalArgumentException("template argument " + name + " is set by the render itself; "
                        + "arguments are the template's other variables (enable_thinking, …)");
            }
        }
        return new JinjaChatTemplate(source, specialTokens, arguments.with(more), reserved, bosToken);
    }

    @Override
    public String toString() {
        return "JinjaChatTemplate[" + source.length() + " chars" + (arguments.isEmpty() ? "" : ", " + arguments) + "]";
    }

    private String renderJinja(Map<String, Object> variables) {
        RenderResult result = JINJAVA.renderForResult(jinjavaSource, variables);
        for (TemplateError error : result.getErrors()) {
            Throwable refusal = refusal(error.getException());
            if (refusal != null) {
                throw new ChatTemplateException("the chat template refused the conversation: " + refusal.getMessage());
            }
        }
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new ChatTemplateException("cannot render the chat template: " + error.getMessage()
                        + (error.getLineno() > 0 ? " (line " + error.getLineno() + ")" : ""), error.getException());
            }
        }
        return result.getOutput();
    }

    /**
     * transformers' {@code continue_final_message}: the text up to the end of the final message's content, found
     * last in the rendering; a template that trims content (Llama-3's {@code | trim}) drops the prefix's trailing
     * whitespace, and then the cut does too.
     */
    private static String cutAfterFinalMessage(String rendered, String finalMessage) {
        String stripped = pythonStrip(finalMessage, true, true);
        int at = rendered.lastIndexOf(stripped);
        if (at < 0) {
            throw new ChatTemplateException("the chat template does not write the assistant's message as given, so the "
                    + "answer cannot be continued after it (it changes or drops part of the message)");
        }
        String leftStripped = pythonStrip(finalMessage, true, false);
        String written = rendered.substring(at, Math.min(rendered.length(), at + leftStripped.length()));
        int end = written.equals(finalMessage) ? at + leftStripped.length() : at + stripped.length();
        return rendered.substring(0, end);
    }

    /** Python's {@code str.strip()} / {@code lstrip()} without arguments. */
    private static String pythonStrip(String text, boolean left, boolean right) {
        int start = 0;
        int end = text.length();
        while (left && start < end && isPythonSpace(text.charAt(start))) {
            start++;
        }
        while (right && end > start && isPythonSpace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    private static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u001c' || c == '\u001d'
                || c == '\u001e' || c == '\u001f' || c == '\u0085';
    }

    private static Map<String, Object> message(String role, String content) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", role);
        message.put("content", content);
        return message;
    }

    /** The cause chain's {@code raise_exception}, if the template called it. */
    private static Throwable refusal(Throwable error) {
        for (Throwable cause = error; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof TemplateFunctions.TemplateRefusal) {
                return cause;
            }
        }
        return null;
    }

    private static Jinjava newJinjava() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonStringMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withElResolver(resolver)
                // Jinja2's behaviour where Jinjava kept its own for compatibility: {{- … -}} trims whitespace,
                // filters bind tighter than arithmetic (messages|length - 1), whitespace control parsed as Jinja2 does
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        .build())
                .build());
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                TemplateFunctions.class, "raiseException", Object.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
                TemplateFunctions.class, "strftimeNow", String.class));
        return jinjava;
    }
}
