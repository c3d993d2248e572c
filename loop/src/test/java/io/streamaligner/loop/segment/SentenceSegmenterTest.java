package io.streamaligner.loop.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.loop.segment.SegmentationCases.Case;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SentenceSegmenterTest {

    private static final int CHUNKINGS_PER_CASE = 25;

    static Stream<Case> cases() {
        return SegmentationCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldCutTheWholeTextIntoTheExpectedSentences(Case segmentationCase) {
        assertThat(SentenceSegmenter.split(segmentationCase.text())).containsExactlyElementsOf(segmentationCase.sentences());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldCutStreamedTextExactlyLikeTheWholeText(Case segmentationCase) {
        Random random = new Random(segmentationCase.name().hashCode());
        for (int chunking = 0; chunking < CHUNKINGS_PER_CASE; chunking++) {
            List<String> chunks = randomChunks(segmentationCase.text(), random, 1 + chunking % 6);

            assertThat(streamed(chunks))
                    .as("chunks %s", chunks)
                    .containsExactlyElementsOf(segmentationCase.sentences());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldNeverRevokeABoundaryOnceDecided(Case segmentationCase) {
        String text = segmentationCase.text();
        int boundaryOfWholeText = SentenceSegmenter.firstSentenceEnd(text, false);
        for (int prefixLength = 0; prefixLength <= text.length(); prefixLength++) {
            int boundaryOfPrefix = SentenceSegmenter.firstSentenceEnd(text.substring(0, prefixLength), false);

            if (boundaryOfPrefix >= 0) {
                assertThat(boundaryOfPrefix).as("prefix %d", prefixLength).isEqualTo(boundaryOfWholeText);
            }
        }
    }

    @Test
    void shouldCutAllCasesStreamedTogetherLikeOneWholeText() {
        String allTexts = SegmentationCases.all().map(Case::text).collect(Collectors.joining("\n\n"));
        List<String> whole = SentenceSegmenter.split(allTexts);
        Random random = new Random(42);

        for (int chunking = 0; chunking < 20; chunking++) {
            assertThat(streamed(randomChunks(allTexts, random, 8))).containsExactlyElementsOf(whole);
        }
        assertThat(whole).hasSize(SegmentationCases.all().mapToInt(c -> c.sentences().size()).sum());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldDecideEachBoundaryWithinTheLookAheadBound(Case segmentationCase) {
        String rest = segmentationCase.text();
        while (SentenceSegmenter.firstSentenceEnd(rest, false) >= 0) {
            int boundary = SentenceSegmenter.firstSentenceEnd(rest, false);
            int decidedAt = 0;
            while (SentenceSegmenter.firstSentenceEnd(rest.substring(0, decidedAt), false) < 0) {
                decidedAt++;
            }

            assertThat(decidedAt - boundary).as("look-ahead of the boundary at %d in '%s'", boundary, rest)
                    .isLessThanOrEqualTo(SentenceSegmenter.MAX_LOOK_AHEAD);
            rest = rest.substring(boundary);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldNameTheUndecidedCandidateAtOrBeforeTheBoundaryItBecomes(Case segmentationCase) {
        String text = segmentationCase.text();
        int boundary = SentenceSegmenter.firstSentenceEnd(text, false);
        for (int prefixLength = 0; prefixLength <= text.length(); prefixLength++) {
            String prefix = text.substring(0, prefixLength);
            if (SentenceSegmenter.firstSentenceEnd(prefix, false) < 0) {
                int undecidedFrom = SentenceSegmenter.undecidedFrom(prefix);

                assertThat(undecidedFrom).as("prefix %d", prefixLength).isBetween(0, prefixLength);
                if (boundary >= 0 && boundary <= prefixLength) {
                    assertThat(undecidedFrom).as("prefix %d", prefixLength).isLessThanOrEqualTo(boundary);
                }
            }
        }
    }

    @Test
    void shouldHoldTheTextAfterACandidateBoundaryAsUndecided() {
        assertThat(SentenceSegmenter.undecidedFrom("She moved to the U.S. Th")).isEqualTo("She moved to the U.S.".length());
        assertThat(SentenceSegmenter.undecidedFrom("He left.")).isEqualTo("He left.".length());
        assertThat(SentenceSegmenter.undecidedFrom("He left. ")).isEqualTo("He left.".length());
        assertThat(SentenceSegmenter.undecidedFrom("1.) first 2.")).isEqualTo("1.) first".length());
        assertThat(SentenceSegmenter.undecidedFrom("He said")).isEqualTo("He said".length());
        assertThat(SentenceSegmenter.undecidedFrom("He left. She")).isEqualTo("He left. She".length());
    }

    @Test
    void shouldReadTheWholeWordAfterAnInitialism() {
        assertThat(SentenceSegmenter.firstSentenceEnd("the U.S. The", false)).isEqualTo(-1);
        assertThat(SentenceSegmenter.firstSentenceEnd("the U.S. Then", false)).isEqualTo(-1);
        assertThat(SentenceSegmenter.firstSentenceEnd("the U.S. Then ", false)).isEqualTo("the U.S.".length());
        assertThat(SentenceSegmenter.firstSentenceEnd("the U.S. Thenceforth ", false)).isEqualTo(-1);
        assertThat(SentenceSegmenter.firstSentenceEnd("the U.S. Then", true)).isEqualTo("the U.S.".length());
        assertThat(SentenceSegmenter.firstSentenceEnd("Plan B. A. Smith", false)).isEqualTo(-1);
        assertThat(SentenceSegmenter.firstSentenceEnd("Plan B. A plan", false)).isEqualTo("Plan B.".length());
    }

    @Test
    void shouldDecideAnOrdinaryBoundaryOnTheFirstCharacterOfTheNextWord() {
        assertThat(SentenceSegmenter.firstSentenceEnd("He left.", false)).isEqualTo(-1);
        assertThat(SentenceSegmenter.firstSentenceEnd("He left. ", false)).isEqualTo(-1);
        assertThat(SentenceSegmenter.firstSentenceEnd("He left. S", false)).isEqualTo("He left.".length());
        assertThat(SentenceSegmenter.firstSentenceEnd("He left. s", false)).isEqualTo(-1);
        assertThat(SentenceSegmenter.firstSentenceEnd("= 71.", false)).isEqualTo(-1);
        assertThat(SentenceSegmenter.firstSentenceEnd("= 71. T", false)).isEqualTo("= 71.".length());
        assertThat(SentenceSegmenter.firstSentenceEnd("\u4f60\u597d\u3002", false)).isEqualTo(-1);
        assertThat(SentenceSegmenter.firstSentenceEnd("\u4f60\u597d\u3002\u6211", false)).isEqualTo(3);
    }

    @Test
    void shouldWaitForTheNextWordOnlyWhereTheTextIsAmbiguous() {
        assertThat(SentenceSegmenter.firstSentenceEnd("pears, etc. ", false)).isEqualTo(-1);
        assertThat(SentenceSegmenter.firstSentenceEnd("pears, etc. T", false)).isEqualTo("pears, etc.".length());
        assertThat(SentenceSegmenter.firstSentenceEnd("pears, etc. a", false)).isEqualTo(-1);
        assertThat(SentenceSegmenter.firstSentenceEnd("Wait... ", false)).isEqualTo(-1);
        assertThat(SentenceSegmenter.firstSentenceEnd("Wait... N", false)).isEqualTo("Wait...".length());
    }

    @Test
    void shouldEndTheRestOfTheTextOnlyAtTheEndOfTheStream() {
        assertThat(SentenceSegmenter.firstSentenceEnd("The answer is 56", false)).isEqualTo(-1);
        assertThat(SentenceSegmenter.firstSentenceEnd("The answer is 56", true)).isEqualTo("The answer is 56".length());
        assertThat(SentenceSegmenter.firstSentenceEnd("  \n ", true)).isEqualTo(-1);
        assertThat(SentenceSegmenter.firstSentenceEnd("", true)).isEqualTo(-1);
    }

    @Test
    void shouldKeepLeadingWhitespaceWithTheSentenceItPrecedes() {
        assertThat(SentenceSegmenter.firstSentenceEnd(" Then, 71 - 15 = 56. The", false)).isEqualTo(" Then, 71 - 15 = 56.".length());
    }

    @Test
    void shouldNeverSplitAnUnclosedCodeFence() {
        String openFence = "```\nint x = 1. Then y = 2.\n\nA. B. C.\n";

        assertThat(SentenceSegmenter.firstSentenceEnd(openFence, false)).isEqualTo(-1);
        assertThat(SentenceSegmenter.split(openFence)).containsExactly(openFence.strip());
    }

    @Test
    void shouldResumeFromItsPendingText() {
        SentenceBuffer first = new SentenceBuffer();
        assertThat(first.append("First, 23 + 48 = 71. Then, 71 - ")).containsExactly("First, 23 + 48 = 71.");

        SentenceBuffer resumed = new SentenceBuffer(first.pendingText());

        assertThat(resumed.append("15 = 56. The answer")).containsExactly("Then, 71 - 15 = 56.");
        assertThat(resumed.finish()).containsExactly("The answer");
        assertThat(resumed.pendingText()).isEmpty();
    }

    private static List<String> streamed(List<String> chunks) {
        SentenceBuffer buffer = new SentenceBuffer();
        List<String> sentences = new ArrayList<>();
        for (String chunk : chunks) {
            sentences.addAll(buffer.append(chunk));
        }
        sentences.addAll(buffer.finish());
        return sentences;
    }

    private static List<String> randomChunks(String text, Random random, int maxChunkLength) {
        List<String> chunks = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(text.length(), start + 1 + random.nextInt(maxChunkLength));
            chunks.add(text.substring(start, end));
            start = end;
        }
        return chunks;
    }
}
