package io.streamaligner.inference.template;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * The Python {@code str} methods chat templates call ({@code content.strip()}, {@code .startswith('<tool_response>')},
 * {@code .split('</think>')[-1].lstrip('\n')}), which Jinja2 has from Python and Jinjava, running on Java strings,
 * does not. Resolves only calls on strings, by their Python names and with Python's semantics; everything else goes to
 * Jinjava's own resolvers.
 */
final class PythonStringMethods extends ELResolver {

    private static final Object NOT_A_STRING_METHOD = new Object();

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(base instanceof String text) || method == null) {
            return null;
        }
        Object[] args = params == null ? new Object[0] : params;
        Object result = call(text, method.toString(), args);
        if (result == NOT_A_STRING_METHOD) {
            return null;
        }
        context.setPropertyResolved(true);
        return result;
    }

    private static Object call(String text, String method, Object[] args) {
        return switch (method) {
            case "strip" -> strip(text, chars(args), true, true);
            case "lstrip" -> strip(text, chars(args), true, false);
            case "rstrip" -> strip(text, chars(args), false, true);
            case "startswith" -> anyOf(args, prefix -> text.startsWith(prefix));
            case "endswith" -> anyOf(args, suffix -> text.endsWith(suffix));
            case "split" -> split(text, args);
            case "upper" -> text.toUpperCase(Locale.ROOT);
            case "lower" -> text.toLowerCase(Locale.ROOT);
            case "capitalize" -> text.isEmpty() ? text
                    : text.substring(0, 1).toUpperCase(Locale.ROOT) + text.substring(1).toLowerCase(Locale.ROOT);
            case "title" -> title(text);
            case "replace" -> args.length >= 2 ? text.replace(String.valueOf(args[0]), String.valueOf(args[1]))
                    : NOT_A_STRING_METHOD;
            case "find" -> args.length >= 1 ? (long) text.indexOf(String.valueOf(args[0])) : NOT_A_STRING_METHOD;
            case "count" -> args.length >= 1 ? count(text, String.valueOf(args[0])) : NOT_A_STRING_METHOD;
            default -> NOT_A_STRING_METHOD;
        };
    }

    /** The characters to strip: the argument, or null for whitespace. */
    private static String chars(Object[] args) {
        return args.length == 0 || args[0] == null ? null : String.valueOf(args[0]);
    }

    private static String strip(String text, String chars, boolean left, boolean right) {
        int start = 0;
        int end = text.length();
        while (left && start < end && strips(text.charAt(start), chars)) {
            start++;
        }
        while (right && end > start && strips(text.charAt(end - 1), chars)) {
            end--;
        }
        return text.substring(start, end);
    }

    private static boolean strips(char c, String chars) {
        return chars == null ? Character.isWhitespace(c) || Character.isSpaceChar(c) : chars.indexOf(c) >= 0;
    }

    /** {@code startswith('a')} or {@code startswith(('a', 'b'))}: a tuple arrives as a list. */
    private static Object anyOf(Object[] args, java.util.function.Predicate<String> test) {
        if (args.length == 0) {
            return NOT_A_STRING_METHOD;
        }
        if (args[0] instanceof Collection<?> options) {
            for (Object option : options) {
                if (test.test(String.valueOf(option))) {
                    return true;
                }
            }
            return false;
        }
        return test.test(String.valueOf(args[0]));
    }

    /** Python's split: on whitespace runs without a separator, on each literal separator with one; all parts kept. */
    private static List<String> split(String text, Object[] args) {
        List<String> parts = new ArrayList<>();
        String separator = chars(args);
        int maxSplit = args.length >= 2 && args[1] instanceof Number n ? n.intValue() : -1;
        if (separator == null) {
            String rest = strip(text, null, true, false);
            while (!rest.isEmpty()) {
                int at = 0;
                while (at < rest.length() && !Character.isWhitespace(rest.charAt(at))) {
                    at++;
                }
                if (maxSplit >= 0 && parts.size() == maxSplit) {
                    parts.add(strip(rest, null, false, true));
                    break;
                }
                parts.add(rest.substring(0, at));
                rest = strip(rest.substring(at), null, true, false);
            }
            return parts;
        }
        if (separator.isEmpty()) {
            throw new IllegalArgumentException("empty separator");
        }
        int from = 0;
        int at;
        while ((maxSplit < 0 || parts.size() < maxSplit) && (at = text.indexOf(separator, from)) >= 0) {
            parts.add(text.substring(from, at));
            from = at + separator.length();
        }
        parts.add(text.substring(from));
        return parts;
    }

    private static String title(String text) {
        StringBuilder titled = new StringBuilder(text.length());
        boolean previousLetter = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            titled.append(previousLetter ? Character.toLowerCase(c) : Character.toUpperCase(c));
            previousLetter = Character.isLetter(c);
        }
        return titled.toString();
    }

    private static long count(String text, String part) {
        if (part.isEmpty()) {
            return text.length() + 1L;
        }
        long count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            count++;
        }
        return count;
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // only method calls are resolved here
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
