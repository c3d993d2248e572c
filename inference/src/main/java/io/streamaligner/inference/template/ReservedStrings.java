package io.streamaligner.inference.template;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strings that carry meaning in a prompt's format (special tokens, role headers, the aligner's field markers)
 * and so must not appear verbatim inside content placed in it.
 *
 * <p>{@link #neutralize} breaks each occurrence by inserting U+200B ZERO WIDTH SPACE after its first character:
 * the text still reads the same to a person, but no longer matches the tokenizer's special token or the
 * marker. The character is in no reserved string, so inserting it can only remove matches, never create one;
 * content is only changed inside a prompt, never where it is stored or shown.
 */
public final class ReservedStrings {

    static final char BREAK = '\u200B';

    private final Set<String> strings;
    private final Pattern pattern;

    private ReservedStrings(Set<String> strings) {
        this.strings = strings;
        List<String> longestFirst = new ArrayList<>(strings);
        longestFirst.sort(Comparator.comparingInt(String::length).reversed());
        this.pattern = longestFirst.isEmpty() ? null : Pattern.compile(String.join("|",
                longestFirst.stream().map(Pattern::quote).toList()));
    }

    /** Strings of one character, or that contain the break character, cannot be broken and are ignored. */
    public static ReservedStrings of(Collection<String> strings) {
        Objects.requireNonNull(strings, "strings");
        Set<String> usable = new LinkedHashSet<>();
        for (String s : strings) {
            if (s != null && s.length() >= 2 && s.indexOf(BREAK) < 0) {
                usable.add(s);
            }
        }
        return new ReservedStrings(Set.copyOf(usable));
    }

    public ReservedStrings plus(Collection<String> more) {
        Set<String> union = new LinkedHashSet<>(strings);
        union.addAll(Objects.requireNonNull(more, "more"));
        return of(union);
    }

    public Set<String> strings() {
        return strings;
    }

    /** {@code content} with every reserved string broken; unchanged (same instance) when it holds none. */
    public String neutralize(String content) {
        Objects.requireNonNull(content, "content");
        if (pattern == null) {
            return content;
        }
        String text = content;
        // one pass skips a match that overlaps an earlier one; repeat until none is left
        for (Matcher m = pattern.matcher(text); m.find(); m = pattern.matcher(text)) {
            text = m.replaceAll(match -> Matcher.quoteReplacement(
                    match.group().charAt(0) + String.valueOf(BREAK) + match.group().substring(1)));
        }
        return text;
    }
}
