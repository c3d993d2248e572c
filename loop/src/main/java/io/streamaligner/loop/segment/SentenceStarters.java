package io.streamaligner.loop.segment;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Words that open sentences far more often than they follow an initialism or an initial inside one: after
 * {@code "the U.S."} or {@code "Plan B."} a following {@code "Then"} or {@code "It"} starts a new sentence, while
 * {@code "Army"} or {@code "Smith"} goes on with the same one. Pronouns, articles, conjunctions and sentence
 * adverbs; none longer than {@link #LONGEST} letters, so a bounded look-ahead can read any of them whole.
 */
final class SentenceStarters {

    /** The longest word in the list, in letters. */
    static final int LONGEST = 6;

    private static final Set<String> WORDS = Set.of(
            "A", "An", "The", "This", "That", "These", "Those", "There", "Then", "Thus", "Hence", "Here",
            "It", "Its", "He", "She", "His", "Her", "They", "Their", "We", "Our", "I", "My", "You", "Your",
            "But", "And", "So", "Yet", "Or", "If", "When", "While", "As", "After", "Before", "Since", "Though",
            "In", "On", "At", "For", "To", "By", "With", "From", "Of", "During",
            "Also", "Still", "Now", "Today", "Later", "Next", "First", "Last", "Once", "Soon",
            "What", "Why", "How", "Who", "Where", "Which", "Some", "Many", "Most", "All", "Each", "Every", "No", "Not");

    private SentenceStarters() {
    }

    /** Every beginning of a word in the list ("T", "Th", "The", …), the words included. */
    private static final Set<String> BEGINNINGS = WORDS.stream()
            .flatMap(word -> IntStream.rangeClosed(1, word.length()).mapToObj(n -> word.substring(0, n)))
            .collect(Collectors.toUnmodifiableSet());

    /** Whether {@code word}, exactly as written (capitalized), opens a sentence. */
    static boolean contains(CharSequence word) {
        return word.length() <= LONGEST && WORDS.contains(word.toString());
    }

    /** Whether some word in the list begins with {@code letters} (so reading on may still find one). */
    static boolean startsOne(CharSequence letters) {
        return letters.length() <= LONGEST && BEGINNINGS.contains(letters.toString());
    }
}
