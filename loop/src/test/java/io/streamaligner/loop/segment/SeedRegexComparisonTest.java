package io.streamaligner.loop.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.loop.segment.SegmentationCases.Case;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Where the Stream Aligner seed's sentence split goes wrong and ours does not, case by case. The seed cuts
 * after {@code . ! ?} followed by whitespace, roughly {@code (?<=[.!?])\s+}; each row below is what that
 * regex makes of a {@link SegmentationCases} text.
 */
class SeedRegexComparisonTest {

    private static final Pattern SEED_SPLIT = Pattern.compile("(?<=[.!?])\\s+");

    static Stream<Arguments> casesTheSeedGetsWrong() {
        return Stream.of(
                seedCuts("titles", "Dr.", "Smith met Mr.", "Jones and Mrs.", "Lee.", "Prof.", "Kim joined."),
                seedCuts("e.g. and i.e.", "Use a fruit, e.g.", "an apple.", "Or a nut, i.e.", "a seed.", "Done."),
                seedCuts("U.S. mid-sentence", "The U.S.", "economy grew.", "It slowed later."),
                seedCuts("vs.", "It was Python vs.", "Java.", "Python won."),
                seedCuts("etc. inside a sentence", "Apples, pears, etc.", "are fruit.", "Nuts are not."),
                seedCuts("a.m. and p.m.", "We met at 9 a.m.", "and left at 5 p.m.", "Then we slept."),
                seedCuts("initials", "J.", "R.", "R.", "Tolkien wrote it.", "It is long."),
                seedCuts("No. before a number", "See No.", "5 in the list.", "It is short."),
                seedCuts("money", "Dr.", "Smith paid $3.50.", "He left."),
                seedCuts("numbered list", "1.", "Add 2 and 3.", "2.", "Subtract 1.", "3.", "Done"),
                seedCuts("numbered list without terminators", "Steps:\n1.", "add\n2.", "subtract\n10.", "stop"),
                seedCuts("inline numbered list", "Steps: 1.", "Add 2 and 3.", "2.", "Subtract 1."),
                seedCuts("parenthesised numbers", "Do this:\n1) Mix the flour.", "2) Bake it."),
                seedCuts("markdown bullets", "Fruit:\n- apples\n- pears\n* plums"),
                seedCuts("lettered list", "Options:\na.", "red\nb.", "blue"),
                seedCuts("blank line", "A heading without a period\n\nThe text after it.", "More text."),
                seedCuts("markdown heading", "# Results\nAll tests pass.", "Good."),
                seedCuts("ellipsis inside a sentence", "Wait...", "what happened?", "Nothing."),
                seedCuts("unicode ellipsis", "Well\u2026 it is late.", "Go\u2026 Now."),
                seedCuts("closing quote after terminator", "He said \"Hi.\" Then he left."),
                seedCuts("closing bracket after terminator", "It works (mostly.) Next one."),
                seedCuts("curly quotes", "She wrote \u201cDone.\u201d Then she slept."),
                seedCuts("bold sentence", "**Note.** Read this.", "Now."),
                seedCuts("fenced code block", "Run this:\n```java\nint x = 1.", "y;\nfoo(); bar().", "baz!",
                        "more();\n```\nThen check it."),
                seedCuts("fenced code block at the start", "```\na.", "b.", "c.", "```\nDone."),
                seedCuts("inline code", "Call `a.b.", "c()` first.", "Then stop."),
                seedCuts("CJK terminators", "\u4f60\u597d\u3002\u6211\u5f88\u597d\uff01\u4f60\u5462\uff1f\u597d\u3002"),
                seedCuts("CJK closing bracket", "\u300c\u306f\u3044\u3002\u300d\u305d\u3046\u3002"),
                seedCuts("initialism before a noun", "The U.S.", "Army left.", "It rained."),
                seedCuts("title and initial before a name", "Ask Dr.", "A.", "Jones.", "He knows."),
                seedCuts("initial that reads as a word", "J.", "A.", "Smith wrote it.", "Fine."),
                seedCuts("page reference", "See p.", "12 for more.", "Then stop."),
                seedCuts("figure reference", "As fig.", "3 shows, it grew.", "Good."),
                seedCuts("inline items numbered with a period and bracket", "1.) first 2.) second"),
                seedCuts("inline items numbered with a bracket", "Do this: 1) mix 2) bake 3) eat"),
                seedCuts("inline lettered items", "a) one b) two"),
                seedCuts("a period after a letter inside an item", "a.", "one b.", "two"),
                seedCuts("the next item's number ending a sentence", "1.", "Add 1 and 1 to get 2.", "Then stop."),
                seedCuts("the next item's number after a colon", "Steps: 1.", "Add 1 and 1 to get 2.", "Then stop."),
                seedCuts("inline numbers that are not the next item", "1.", "Add 2 and 3 to 4.", "Then stop."),
                seedCuts("spaced ellipsis inside a sentence", "Wait .", ".", ".", "what happened?", "Nothing."),
                seedCuts("spaced ellipsis ending a sentence", "I wonder.", ".", ".", "Maybe not."),
                seedCuts("exclamation mark in a name", "Yahoo!", "is a site.", "Google is too."),
                seedCuts("question mark before a lowercase word", "Is it?", "not really.", "Fine."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("casesTheSeedGetsWrong")
    void shouldCutCorrectlyWhereTheSeedRegexDoesNot(String caseName, List<String> seedSentences) {
        Case segmentationCase = caseNamed(caseName);

        assertThat(seedSplit(segmentationCase.text()))
                .as("what the seed's regex makes of it")
                .isEqualTo(seedSentences)
                .isNotEqualTo(segmentationCase.sentences());
        assertThat(SentenceSegmenter.split(segmentationCase.text())).isEqualTo(segmentationCase.sentences());
    }

    @Test
    void shouldAgreeWithTheSeedRegexOnEveryOtherCase() {
        Map<String, List<String>> seedGetsWrong = casesTheSeedGetsWrong()
                .collect(Collectors.toMap(args -> (String) args.get()[0], args -> seedSentencesOf(args)));
        List<Case> others = SegmentationCases.all().filter(c -> !seedGetsWrong.containsKey(c.name())).toList();

        assertThat(others).isNotEmpty().allSatisfy(c -> {
            assertThat(seedSplit(c.text())).as(c.name()).isEqualTo(c.sentences());
            assertThat(SentenceSegmenter.split(c.text())).as(c.name()).isEqualTo(c.sentences());
        });
    }

    private static Arguments seedCuts(String caseName, String... seedSentences) {
        return Arguments.of(caseName, List.of(seedSentences));
    }

    @SuppressWarnings("unchecked")
    private static List<String> seedSentencesOf(Arguments args) {
        return (List<String>) args.get()[1];
    }

    private static Case caseNamed(String name) {
        return SegmentationCases.all().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no segmentation case named " + name));
    }

    private static List<String> seedSplit(String text) {
        return Arrays.stream(SEED_SPLIT.split(text)).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
