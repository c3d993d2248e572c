package io.streamaligner.loop.segment;

import java.util.List;
import java.util.stream.Stream;

/**
 * The segmentation contract as data: each case is a text and the sentences it must be cut into. Shared by
 * {@link SentenceSegmenterTest} (ours gets every case right, whole and streamed) and
 * {@link SeedRegexComparisonTest} (where the seed's regex goes wrong).
 */
final class SegmentationCases {

    /** A named text and the sentences it must be cut into. */
    record Case(String name, String text, List<String> sentences) {
        Case(String name, String text, String... sentences) {
            this(name, text, List.of(sentences));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private SegmentationCases() {
    }

    static Stream<Case> all() {
        return Stream.of(
                // plain prose and the toy-math domain the bundled models write
                new Case("plain sentences", "He left. She stayed! Why? Nobody knows.",
                        "He left.", "She stayed!", "Why?", "Nobody knows."),
                new Case("toy-math answer", "First, 23 + 48 = 71. Then, 71 - 15 = 56. The answer is 56.",
                        "First, 23 + 48 = 71.", "Then, 71 - 15 = 56.", "The answer is 56."),
                new Case("negative result", "First, 4 - 13 = -9. Then, -9 + 2 = -7. The answer is -7.",
                        "First, 4 - 13 = -9.", "Then, -9 + 2 = -7.", "The answer is -7."),
                new Case("question-mark-exclamation run", "Really?! Yes.", "Really?!", "Yes."),
                // abbreviations
                new Case("titles", "Dr. Smith met Mr. Jones and Mrs. Lee. Prof. Kim joined.",
                        "Dr. Smith met Mr. Jones and Mrs. Lee.", "Prof. Kim joined."),
                new Case("e.g. and i.e.", "Use a fruit, e.g. an apple. Or a nut, i.e. a seed. Done.",
                        "Use a fruit, e.g. an apple.", "Or a nut, i.e. a seed.", "Done."),
                new Case("e.g. before a comma", "Some fruit (e.g., apples) is red. Yes.",
                        "Some fruit (e.g., apples) is red.", "Yes."),
                new Case("U.S. mid-sentence", "The U.S. economy grew. It slowed later.",
                        "The U.S. economy grew.", "It slowed later."),
                new Case("vs.", "It was Python vs. Java. Python won.", "It was Python vs. Java.", "Python won."),
                new Case("etc. inside a sentence", "Apples, pears, etc. are fruit. Nuts are not.",
                        "Apples, pears, etc. are fruit.", "Nuts are not."),
                new Case("etc. ending a sentence", "We bought apples, pears, etc. Then we left.",
                        "We bought apples, pears, etc.", "Then we left."),
                new Case("a.m. and p.m.", "We met at 9 a.m. and left at 5 p.m. Then we slept.",
                        "We met at 9 a.m. and left at 5 p.m.", "Then we slept."),
                new Case("initials", "J. R. R. Tolkien wrote it. It is long.", "J. R. R. Tolkien wrote it.", "It is long."),
                new Case("No. before a number", "See No. 5 in the list. It is short.", "See No. 5 in the list.", "It is short."),
                // numbers
                new Case("decimals", "Pi is 3.14 or so. Fine.", "Pi is 3.14 or so.", "Fine."),
                new Case("thousands and decimals", "It costs 1,000.5 units. Cheap.", "It costs 1,000.5 units.", "Cheap."),
                new Case("money", "Dr. Smith paid $3.50. He left.", "Dr. Smith paid $3.50.", "He left."),
                new Case("version numbers", "Install v1.2.3 first. Then run Java 17.0.2 on it. It works.",
                        "Install v1.2.3 first.", "Then run Java 17.0.2 on it.", "It works."),
                new Case("number ending a sentence", "I use Java 17. It is fine.", "I use Java 17.", "It is fine."),
                new Case("ordinal ending a sentence", "He came 1st. She came 2nd.", "He came 1st.", "She came 2nd."),
                // lists
                new Case("numbered list", "1. Add 2 and 3.\n2. Subtract 1.\n3. Done",
                        "1. Add 2 and 3.", "2. Subtract 1.", "3. Done"),
                new Case("numbered list without terminators", "Steps:\n1. add\n2. subtract\n10. stop",
                        "Steps:", "1. add", "2. subtract", "10. stop"),
                new Case("inline numbered list", "Steps: 1. Add 2 and 3. 2. Subtract 1.",
                        "Steps: 1. Add 2 and 3.", "2. Subtract 1."),
                new Case("parenthesised numbers", "Do this:\n1) Mix the flour.\n2) Bake it.",
                        "Do this:", "1) Mix the flour.", "2) Bake it."),
                new Case("markdown bullets", "Fruit:\n- apples\n- pears\n* plums", "Fruit:", "- apples", "- pears", "* plums"),
                new Case("lettered list", "Options:\na. red\nb. blue", "Options:", "a. red", "b. blue"),
                new Case("blank line", "A heading without a period\n\nThe text after it. More text.",
                        "A heading without a period", "The text after it.", "More text."),
                new Case("markdown heading", "# Results\nAll tests pass. Good.", "# Results", "All tests pass.", "Good."),
                new Case("soft-wrapped line", "This sentence is\nwrapped over two lines. Next.",
                        "This sentence is\nwrapped over two lines.", "Next."),
                // ellipses
                new Case("ellipsis inside a sentence", "Wait... what happened? Nothing.",
                        "Wait... what happened?", "Nothing."),
                new Case("ellipsis ending a sentence", "I wonder... Maybe not.", "I wonder...", "Maybe not."),
                new Case("unicode ellipsis", "Well\u2026 it is late. Go\u2026 Now.", "Well\u2026 it is late.", "Go\u2026", "Now."),
                // quotes and brackets
                new Case("closing quote after terminator", "He said \"Hi.\" Then he left.", "He said \"Hi.\"", "Then he left."),
                new Case("quoted question inside a sentence", "\"Really?\" she asked. He nodded.",
                        "\"Really?\" she asked.", "He nodded."),
                new Case("closing bracket after terminator", "It works (mostly.) Next one.", "It works (mostly.)", "Next one."),
                new Case("curly quotes", "She wrote \u201cDone.\u201d Then she slept.",
                        "She wrote \u201cDone.\u201d", "Then she slept."),
                new Case("bold sentence", "**Note.** Read this. Now.", "**Note.**", "Read this.", "Now."),
                // identifiers
                new Case("URL", "Visit https://example.com/a.html?q=1&r=2. Then click.",
                        "Visit https://example.com/a.html?q=1&r=2.", "Then click."),
                new Case("e-mail", "Mail john.doe@example.org. He replies.", "Mail john.doe@example.org.", "He replies."),
                new Case("no space after a terminator", "Say Hi.There is no break. And end.Then neither.",
                        "Say Hi.There is no break.", "And end.Then neither."),
                new Case("file names", "Open README.md now. Done.", "Open README.md now.", "Done."),
                // code
                new Case("fenced code block", "Run this:\n```java\nint x = 1. y;\nfoo(); bar(). baz!\n\nmore();\n```\nThen check it.",
                        "Run this:", "```java\nint x = 1. y;\nfoo(); bar(). baz!\n\nmore();\n```", "Then check it."),
                new Case("fenced code block at the start", "```\na. b. c.\n```\nDone.", "```\na. b. c.\n```", "Done."),
                new Case("inline code", "Call `a.b. c()` first. Then stop.", "Call `a.b. c()` first.", "Then stop."),
                // CJK
                new Case("CJK terminators", "\u4f60\u597d\u3002\u6211\u5f88\u597d\uff01\u4f60\u5462\uff1f\u597d\u3002",
                        "\u4f60\u597d\u3002", "\u6211\u5f88\u597d\uff01", "\u4f60\u5462\uff1f", "\u597d\u3002"),
                new Case("CJK closing bracket", "\u300c\u306f\u3044\u3002\u300d\u305d\u3046\u3002",
                        "\u300c\u306f\u3044\u3002\u300d", "\u305d\u3046\u3002"),
                // real prose that one character of look-ahead cannot decide
                new Case("initialism ending a sentence", "She moved to the U.S. Then she left.",
                        "She moved to the U.S.", "Then she left."),
                new Case("initialism before a noun", "The U.S. Army left. It rained.", "The U.S. Army left.", "It rained."),
                new Case("initial ending a sentence", "They chose Plan B. It worked.", "They chose Plan B.", "It worked."),
                new Case("title and initial before a name", "Ask Dr. A. Jones. He knows.", "Ask Dr. A. Jones.", "He knows."),
                new Case("initial that reads as a word", "J. A. Smith wrote it. Fine.", "J. A. Smith wrote it.", "Fine."),
                new Case("page reference", "See p. 12 for more. Then stop.", "See p. 12 for more.", "Then stop."),
                new Case("figure reference", "As fig. 3 shows, it grew. Good.", "As fig. 3 shows, it grew.", "Good."),
                new Case("inline items numbered with a period and bracket", "1.) first 2.) second",
                        "1.) first", "2.) second"),
                new Case("inline items numbered with a bracket", "Do this: 1) mix 2) bake 3) eat",
                        "Do this: 1) mix", "2) bake", "3) eat"),
                new Case("inline lettered items", "a) one b) two", "a) one", "b) two"),
                new Case("a period after a letter inside an item", "a. one b. two", "a. one b. two"),
                new Case("the next item's number ending a sentence", "1. Add 1 and 1 to get 2. Then stop.",
                        "1. Add 1 and 1 to get 2.", "Then stop."),
                new Case("the next item's number after a colon", "Steps: 1. Add 1 and 1 to get 2. Then stop.",
                        "Steps: 1. Add 1 and 1 to get 2.", "Then stop."),
                new Case("inline numbers that are not the next item", "1. Add 2 and 3 to 4. Then stop.",
                        "1. Add 2 and 3 to 4.", "Then stop."),
                new Case("spaced ellipsis inside a sentence", "Wait . . . what happened? Nothing.",
                        "Wait . . . what happened?", "Nothing."),
                new Case("spaced ellipsis ending a sentence", "I wonder. . . Maybe not.", "I wonder. . .", "Maybe not."),
                new Case("quote closed with a period, continued in lower case", "'Fine.' she said. He left.",
                        "'Fine.' she said.", "He left."),
                new Case("exclamation mark in a name", "Yahoo! is a site. Google is too.", "Yahoo! is a site.", "Google is too."),
                new Case("question mark before a lowercase word", "Is it? not really. Fine.", "Is it? not really.", "Fine."),
                new Case("whitespace wider than the look-ahead", "He left.          she stayed.", "He left.", "she stayed."),
                // edges
                new Case("no terminator at the end", "One. Two without end", "One.", "Two without end"),
                new Case("surrounding whitespace", "  \n  One.   Two.  \n ", "One.", "Two."),
                new Case("blank text", " \n\t "));
    }
}
