package io.streamaligner.inference.template;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Rewrites the pieces of Python Jinja2 syntax that chat templates use and Jinjava reads differently, before
 * Jinjava parses a template; the rest of the text is left as it is:
 * <ul>
 *   <li>a loop filter, {@code {% for message in messages if message.role != 'system' %}}, which Jinjava parses as a
 *       loop over every item: the tag becomes a loop that collects the items the condition keeps, then the loop over
 *       those, so that {@code loop.index}, {@code loop.first}, {@code loop.last} and the rest count the kept items
 *       only, as in Jinja2 (a loop over one name; a {@code recursive} one is left as it is);</li>
 *   <li>a keyword argument whose value is an expression, {@code namespace(last_query_index=messages|length - 1)}:
 *       Jinjava binds {@code - 1} to the whole {@code name=value} pair, so each keyword argument's value is put in
 *       parentheses ({@code last_query_index=(messages|length - 1)});</li>
 *   <li>the reversing slice {@code messages[::-1]}, which Jinjava's slices (no step) cannot parse: it becomes
 *       {@code messages|reverse|list};</li>
 *   <li>one newline at the very end of the template, which Jinja2 drops ({@code keep_trailing_newline=False}).</li>
 * </ul>
 * Only expressions are rewritten ({@code {{ … }}} and {@code {% … %}}), never string literals or the text between.
 */
final class JinjaDialect {

    private static final String REVERSED_SLICE = "[::-1]";
    private static final String REVERSED_FILTER = "|reverse|list";

    private JinjaDialect() {
    }

    static String toJinjava(String template) {
        String source = template.endsWith("\n") ? template.substring(0, template.length() - 1) : template;
        StringBuilder out = new StringBuilder(source.length() + 32);
        int filteredLoops = 0;
        int i = 0;
        while (i < source.length()) {
            int open = nextExpression(source, i);
            if (open < 0) {
                out.append(source, i, source.length());
                break;
            }
            out.append(source, i, open + 2);
            boolean statement = source.charAt(open + 1) == '%';
            int end = expressionEnd(source, open + 2, statement ? "%}" : "}}");
            String expression = rewriteExpression(source.substring(open + 2, end));
            if (statement) {
                String unfiltered = unfilteredLoop(expression, "__filtered_loop_" + filteredLoops);
                filteredLoops += unfiltered.equals(expression) ? 0 : 1;
                expression = unfiltered;
            }
            out.append(expression);
            i = end;
        }
        return out.toString();
    }

    /**
     * A statement's text (what stands between its delimiters), a loop filter taken out of it: {@code for x in items if
     * cond} becomes the statements that set {@code kept} to an empty list, loop over {@code items} appending to it each
     * {@code x} for which {@code cond} holds, and then open the loop of {@code x} over {@code kept}: the caller wrote
     * the first statement's opening delimiter and the template holds the last one's closing delimiter, each with its
     * whitespace control. Any other statement is returned as it is.
     */
    static String unfilteredLoop(String statement, String kept) {
        int start = 0;
        while (start < statement.length() && (statement.charAt(start) == '-' || statement.charAt(start) == '+'
                || Character.isWhitespace(statement.charAt(start)))) {
            start++;
        }
        String loop = statement.substring(start);
        if (!loop.startsWith("for ")) {
            return statement;
        }
        int in = topLevelWord(loop, "in", 4);
        int condition = in < 0 ? -1 : topLevelWord(loop, "if", in + 2);
        if (condition < 0) {
            return statement;
        }
        String target = loop.substring(4, in).strip();
        String items = loop.substring(in + 2, condition).strip();
        String keep = loop.substring(condition + 2).strip();
        if (!target.matches("[A-Za-z_][A-Za-z0-9_]*") || keep.isEmpty() || topLevelWord(keep, "recursive", 0) >= 0) {
            return statement;
        }
        return statement.substring(0, start) + "set " + kept + " = [] %}{% for " + target + " in " + items + " %}{% if "
                + keep + " %}{% do " + kept + ".append(" + target + ") %}{% endif %}{% endfor %}{% for " + target
                + " in " + kept + " ";
    }

    /** Where {@code word} stands alone (between spaces, or at the end) outside strings and brackets; -1 if nowhere. */
    private static int topLevelWord(String text, String word, int from) {
        int depth = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                i = stringEnd(text, i);
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (depth == 0 && text.startsWith(word, i) && (i == 0 || Character.isWhitespace(text.charAt(i - 1)))
                    && (i + word.length() == text.length() || Character.isWhitespace(text.charAt(i + word.length())))) {
                return i;
            }
        }
        return -1;
    }

    /** The next {@code {{} or {@code {%} at or after {@code from}, skipping comments; -1 when none. */
    private static int nextExpression(String source, int from) {
        int i = from;
        while (true) {
            int at = source.indexOf('{', i);
            if (at < 0 || at + 1 >= source.length()) {
                return -1;
            }
            char next = source.charAt(at + 1);
            if (next == '{' || next == '%') {
                return at;
            }
            if (next == '#') {
                int commentEnd = source.indexOf("#}", at + 2);
                if (commentEnd < 0) {
                    return -1;
                }
                i = commentEnd + 2;
            } else {
                i = at + 1;
            }
        }
    }

    /** Where the expression that starts at {@code from} closes, string literals skipped; the text's end if never. */
    private static int expressionEnd(String source, int from, String close) {
        for (int i = from; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '\'' || c == '"') {
                i = stringEnd(source, i);
            } else if (source.startsWith(close, i) || c == '-' && source.startsWith(close, i + 1)) {
                return i;
            }
        }
        return source.length();
    }

    /** Where the string literal whose quote stands at {@code open} closes (escapes skipped); the text's end if never. */
    private static int stringEnd(String text, int open) {
        char quote = text.charAt(open);
        for (int i = open + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == quote) {
                return i;
            }
        }
        return text.length();
    }

    private static String rewriteExpression(String expression) {
        StringBuilder out = new StringBuilder(expression.length() + 8);
        // per open bracket: whether it is a call's parenthesis with a keyword argument's value open in it
        Deque<Character> brackets = new ArrayDeque<>();
        Deque<Boolean> valueOpen = new ArrayDeque<>();
        char quote = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (quote != 0) {
                out.append(c);
                if (c == '\\' && i + 1 < expression.length()) {
                    out.append(expression.charAt(++i));
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            if (c == '\'' || c == '"') {
                quote = c;
                out.append(c);
            } else if (expression.startsWith(REVERSED_SLICE, i)) {
                out.append(REVERSED_FILTER);
                i += REVERSED_SLICE.length() - 1;
            } else if (c == '(' || c == '[' || c == '{') {
                brackets.push(c);
                valueOpen.push(false);
                out.append(c);
            } else if (c == ')' || c == ']' || c == '}') {
                closeValue(out, brackets, valueOpen);
                if (!brackets.isEmpty()) {
                    brackets.pop();
                    valueOpen.pop();
                }
                out.append(c);
            } else if (c == ',') {
                closeValue(out, brackets, valueOpen);
                out.append(c);
            } else if (c == '=' && isKeywordEquals(expression, i) && !brackets.isEmpty() && brackets.peek() == '('
                    && !valueOpen.peek()) {
                out.append("=(");
                valueOpen.pop();
                valueOpen.push(true);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void closeValue(StringBuilder out, Deque<Character> brackets, Deque<Boolean> valueOpen) {
        if (!brackets.isEmpty() && valueOpen.peek()) {
            out.append(')');
            valueOpen.pop();
            valueOpen.push(false);
        }
    }

    /** An {@code =} of {@code name=value}: neither half of {@code ==}, nor of {@code != <= >=}, after a name. */
    private static boolean isKeywordEquals(String expression, int at) {
        char before = at > 0 ? expression.charAt(at - 1) : ' ';
        char after = at + 1 < expression.length() ? expression.charAt(at + 1) : ' ';
        if (after == '=' || before == '=' || before == '!' || before == '<' || before == '>') {
            return false;
        }
        int j = at - 1;
        while (j >= 0 && expression.charAt(j) == ' ') {
            j--;
        }
        int nameEnd = j + 1;
        while (j >= 0 && (Character.isLetterOrDigit(expression.charAt(j)) || expression.charAt(j) == '_')) {
            j--;
        }
        if (j + 1 == nameEnd) {
            return false;
        }
        while (j >= 0 && expression.charAt(j) == ' ') {
            j--;
        }
        return j >= 0 && (expression.charAt(j) == '(' || expression.charAt(j) == ',');
    }
}
