package io.streamaligner.inference.template;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The global functions transformers gives chat templates: {@code raise_exception(message)}, with which a template
 * refuses a conversation, and {@code strftime_now(format)}, today's date in Python's {@code strftime} format (Llama-3.1
 * and 3.2 put it in their system turn). Public static methods, as Jinjava registers functions.
 */
public final class TemplateFunctions {

    private TemplateFunctions() {
    }

    /** @throws TemplateRefusal always, with the template's message */
    public static Object raiseException(Object message) {
        throw new TemplateRefusal(String.valueOf(message));
    }

    /** The current local time in Python's {@code strftime} format ({@code "%d %b %Y"} → {@code "26 Jul 2024"}). */
    public static String strftimeNow(String format) {
        return strftime(ZonedDateTime.now(), format);
    }

    /** {@code time} formatted as Python's {@code strftime} does in the C locale, for the common directives. */
    static String strftime(ZonedDateTime time, String format) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                out.append(c);
                continue;
            }
            char directive = format.charAt(++i);
            out.append(switch (directive) {
                case 'd' -> pattern(time, "dd");
                case 'e' -> String.format(Locale.ROOT, "%2d", time.getDayOfMonth());
                case 'm' -> pattern(time, "MM");
                case 'y' -> pattern(time, "yy");
                case 'Y' -> String.valueOf(time.getYear());
                case 'b', 'h' -> pattern(time, "MMM");
                case 'B' -> pattern(time, "MMMM");
                case 'a' -> pattern(time, "EEE");
                case 'A' -> pattern(time, "EEEE");
                case 'H' -> pattern(time, "HH");
                case 'I' -> pattern(time, "hh");
                case 'M' -> pattern(time, "mm");
                case 'S' -> pattern(time, "ss");
                case 'p' -> pattern(time, "a").toUpperCase(Locale.ROOT);
                case 'j' -> String.format(Locale.ROOT, "%03d", time.getDayOfYear());
                case 'Z' -> pattern(time, "zzz");
                case 'z' -> pattern(time, "xx");
                case '%' -> "%";
                default -> "%" + directive;
            });
        }
        return out.toString();
    }

    private static String pattern(ZonedDateTime time, String pattern) {
        return DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH).format(time);
    }

    /** What {@code raise_exception} throws: the template's own refusal of the conversation. */
    static final class TemplateRefusal extends RuntimeException {

        TemplateRefusal(String message) {
            super(message);
        }
    }
}
