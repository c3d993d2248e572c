package io.streamaligner.inference.template;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Keyword arguments for a chat template's variables, as transformers' {@code apply_chat_template(..., **kwargs)} and
 * the {@code chat_template_kwargs} of vLLM, SGLang and llama.cpp take them: {@code enable_thinking=false} turns off
 * Qwen3's thinking, {@code date_string=26 Jul 2024} fixes Llama-3.1's date. Values are booleans, integers, decimals or
 * strings. Immutable.
 *
 * @param values the arguments by name, in the order given
 */
public record TemplateArguments(Map<String, Object> values) {

    public static final TemplateArguments NONE = new TemplateArguments(Map.of());

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+\\.[0-9]+");

    public TemplateArguments {
        Objects.requireNonNull(values, "values");
        values.forEach((name, value) -> {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("a template argument's name must be an identifier, got '" + name + "'");
            }
            if (!(value instanceof String || value instanceof Boolean || value instanceof Long
                    || value instanceof BigDecimal)) {
                throw new IllegalArgumentException("template argument " + name + " must be a string, boolean, integer "
                        + "or decimal, got " + value);
            }
        });
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * Reads {@code name=value} pairs separated by commas, e.g. {@code enable_thinking=false,date_string=26 Jul 2024}:
     * {@code true}/{@code false} are booleans, {@code 12} an integer, {@code 0.5} a decimal, anything else a string
     * (double quotes around it are dropped, so {@code "true"} is the string). Blank text is no arguments.
     *
     * @throws IllegalArgumentException for a pair without {@code =}, a name that is not an identifier, or a name given
     *                                  twice
     */
    public static TemplateArguments parse(String text) {
        Objects.requireNonNull(text, "text");
        Map<String, Object> values = new LinkedHashMap<>();
        if (text.isBlank()) {
            return NONE;
        }
        for (String pair : text.split(",")) {
            int equals = pair.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException("template arguments are name=value pairs separated by commas "
                        + "(enable_thinking=false); '" + pair.strip() + "' has no '='");
            }
            String name = pair.substring(0, equals).strip();
            if (values.put(name, value(pair.substring(equals + 1).strip())) != null) {
                throw new IllegalArgumentException("template argument " + name + " is given twice");
            }
        }
        return new TemplateArguments(values);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** These arguments, then {@code more} (which win on a shared name). */
    public TemplateArguments with(TemplateArguments more) {
        Objects.requireNonNull(more, "more");
        if (more.isEmpty()) {
            return this;
        }
        Map<String, Object> merged = new LinkedHashMap<>(values);
        merged.putAll(more.values);
        return new TemplateArguments(merged);
    }

    /** The pairs as {@link #parse} reads them (a string that would read as another type in double quotes). */
    @Override
    public String toString() {
        return values.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + written(entry.getValue()))
                .collect(Collectors.joining(","));
    }

    private static String written(Object value) {
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof String text && !value(text).equals(text)) {
            return "\"" + text + "\"";
        }
        return String.valueOf(value);
    }

    private static Object value(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.equals("true") || lower.equals("false")) {
            return Boolean.valueOf(lower);
        }
        if (INTEGER.matcher(text).matches()) {
            try {
                return Long.valueOf(text);
            } catch (NumberFormatException tooLong) {
                return text;
            }
        }
        if (DECIMAL.matcher(text).matches()) {
            return new BigDecimal(text);
        }
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            return text.substring(1, text.length() - 1);
        }
        return text;
    }
}
