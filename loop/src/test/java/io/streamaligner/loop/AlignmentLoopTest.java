package io.streamaligner.loop;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.PromptTooLongException;
import io.streamaligner.inference.SamplingParams;
import io.streamaligner.loop.testing.TestPrompts;
import io.streamaligner.loop.testing.TestRecords;
import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.AlignmentStage;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.GenerationParams;
import io.streamaligner.schemas.SentenceAligned;
import io.streamaligner.schemas.StepEnd;
import io.streamaligner.schemas.SuffixSentence;
import io.streamaligner.schemas.UpstreamFinish;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The loop's rules, transition by transition, as every driver sees them. */
class AlignmentLoopTest {

    private static final long NOW = 5_000;

    private final AlignmentLoop loop = new AlignmentLoop(TestPrompts.UPSTREAM, TestPrompts.ALIGNER, new LoopLimits(128, 32));

    @Test
    void shouldAdmitAValidRequestAsRoundZero() {
        AlignmentRequest request = TestRecords.request("r1", "What is 2 + 2?");

        Transition<AlignedPrefix> admitted = loop.admit("r1", request, NOW);

        assertThat(admitted.events()).isEmpty();
        assertThat(admitted.next()).hasValueSatisfying(prefix -> {
            assertThat(prefix.getRequest()).isEqualTo(request);
            assertThat(prefix.getAlignedPrefix()).isEmpty();
            assertThat(prefix.getRound()).isZero();
            assertThat(prefix.getStartedAtMs()).isEqualTo(NOW);
        });
    }

    @Test
    void shouldEndAnInvalidRequestAtOnceWithAnErrorAndAFinal() {
        assertThat(loop.admit("other-key", TestRecords.request("r1", "q"), NOW).events())
                .as("answered under the key its producer waits on")
                .extracting(AlignmentResponse::getRequestId).containsOnly("other-key");
        assertRejected(loop.admit("other-key", TestRecords.request("r1", "q"), NOW), "differs from the key");
        assertRejected(loop.admit("r1", TestRecords.request("r1", "  "), NOW), "question is blank");
        assertRejected(loop.admit("r1", TestRecords.requestBuilder("r1", "q").setMaxRounds(0).build(), NOW), "max_rounds");
        assertRejected(loop.admit("r1", TestRecords.requestBuilder("r1", "q").setMaxTotalTokens(0).build(), NOW),
                "max_total_tokens");
        assertRejected(loop.admit("r1", TestRecords.requestBuilder("r1", "q")
                .setGeneration(GenerationParams.newBuilder().setTemperature(-1).build()).build(), NOW), "temperature");
    }

    @Test
    void shouldCheckARequestsOwnFieldsBeforeItIsSentAsAdmissionWould() {
        LoopLimits limits = new LoopLimits(128, 32, 8);

        AlignmentLoop.validate(TestRecords.request("r1", "2 + 2?"), limits);

        assertThatThrownBy(() -> AlignmentLoop.validate(TestRecords.request("r1", " "), limits))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("question is blank");
        assertThatThrownBy(() -> AlignmentLoop.validate(TestRecords.request("r1", "What is 2 + 2?"), limits))
                .hasMessage("question is 14 bytes (UTF-8), more than the 8 allowed");
        assertThatThrownBy(() -> AlignmentLoop.validate(TestRecords.requestBuilder("r1", "q")
                .setSystemPrompt("Be very brief.").build(), limits))
                .hasMessage("system prompt is 14 bytes (UTF-8), more than the 8 allowed");
        assertThatThrownBy(() -> AlignmentLoop.validate(TestRecords.requestBuilder("r1", "q").setMaxRounds(-2).build(), limits))
                .hasMessage("max_rounds must be positive, got -2");
        assertThatThrownBy(() -> AlignmentLoop.validate(TestRecords.requestBuilder("r1", "q")
                .setGeneration(GenerationParams.newBuilder().setTopP(1.5).build()).build(), limits))
                .hasMessageContaining("top");
    }

    @Test
    void shouldAskTheUpstreamForOneSentenceWithinTheSmallestOfItsLimits() {
        AlignmentRequest request = TestRecords.requestBuilder("r1", "q").setMaxTotalTokens(100).build();

        CompletionRequest first = loop.upstreamCall(TestRecords.prefix(request, "", 0));
        CompletionRequest nearlySpent = loop.upstreamCall(AlignedPrefix.newBuilder(TestRecords.prefix(request, "A.", 1))
                .setUpstreamTokens(90).build());

        assertThat(first.id()).isEqualTo("r1");
        assertThat(first.prompt()).isEqualTo(TestPrompts.UPSTREAM.render("", "q", ""));
        assertThat(first.maxNewTokens()).as("the request's per-step default").isEqualTo(64);
        assertThat(first.stop().stopAt(" Two is four. Next")).isEqualTo(13);
        assertThat(first.stop().stopAt(" Two is four")).isNegative();
        assertThat(nearlySpent.maxNewTokens()).as("what the budget leaves").isEqualTo(10);
        AlignmentRequest greedyLongSteps = TestRecords.requestBuilder("r2", "q")
                .setGeneration(GenerationParams.newBuilder().setMaxNewTokensPerStep(512).build()).build();
        assertThat(loop.upstreamCall(TestRecords.prefix(greedyLongSteps, "", 0)).maxNewTokens()).as("the loop's cap").isEqualTo(128);
        assertThatThrownBy(() -> loop.upstreamCall(AlignedPrefix.newBuilder(TestRecords.prefix(request, "A.", 1))
                .setUpstreamTokens(100).build())).isInstanceOf(IllegalStateException.class).hasMessageContaining("budget");
    }

    @Test
    void shouldYieldTheStepsFirstSentenceAndGoOnWhenMoreFollows() {
        AlignedPrefix prefix = TestRecords.prefix(TestRecords.request("r1", "q"), "Earlier.", 2);
        StepEnd sentenceEnd = loop.stepEnd(prefix, new Completion("r1", " Two is four.", FinishReason.STOP, 10, 4, 3_000_000));

        SuffixSentence sentence = loop.stepSentence(" Two is four.", sentenceEnd);

        assertThat(sentence.getRound()).isEqualTo(3);
        assertThat(sentence.getSentence()).isEqualTo("Two is four.");
        assertThat(sentence.getUpstreamFinish()).isEqualTo(UpstreamFinish.SENTENCE);
        assertThat(sentence.getUpstreamTokens()).isEqualTo(4);
        assertThat(sentence.getUpstreamMs()).isEqualTo(3);
        assertThat(sentence.getContext()).isEqualTo(prefix);
        StepEnd eos = loop.stepEnd(prefix, new Completion("r1", " A is one. B is two.", FinishReason.EOS, 10, 8, 0));
        assertThat(eos.getFinish()).isEqualTo(UpstreamFinish.END);
        assertThat(loop.stepSentence(" Last one.", eos).getUpstreamFinish()).isEqualTo(UpstreamFinish.END);
        assertThat(loop.stepSentence(" A is one. B is two.", eos).getUpstreamFinish())
                .as("a generator that ran past the boundary: the loop goes on for the rest")
                .isEqualTo(UpstreamFinish.SENTENCE);
        assertThat(loop.stepSentence("  ", eos).getSentence()).isEmpty();
        assertThat(loop.stepEnd(prefix, new Completion("r1", "x", FinishReason.END_OF_ANSWER, 1, 1, 0)).getFinish())
                .isEqualTo(UpstreamFinish.END);
        assertThat(loop.stepEnd(prefix, new Completion("r1", "x", FinishReason.LENGTH, 1, 1, 0)).getFinish())
                .isEqualTo(UpstreamFinish.LENGTH);
    }

    @Test
    void shouldAskTheAlignerToCorrectTheSentenceGivenThePrefixBeforeIt() {
        SuffixSentence sentence = sentence("Two is five.", UpstreamFinish.SENTENCE, "Earlier.", 1);

        Transition<CompletionRequest> call = loop.alignerCall(sentence, NOW);

        assertThat(call.events()).isEmpty();
        assertThat(call.next()).hasValueSatisfying(correction -> {
            assertThat(correction.prompt()).isEqualTo(TestPrompts.ALIGNER.render("q", "Earlier.", "Two is five."));
            assertThat(correction.maxNewTokens()).isEqualTo(32);
            assertThat(correction.sampling().greedy()).isTrue();
        });
    }

    @Test
    void shouldEndWithTheAnswerSoFarWhenAStepWritesNoSentence() {
        SuffixSentence silent = sentence("", UpstreamFinish.END, "Earlier.", 1);

        Transition<CompletionRequest> call = loop.alignerCall(silent, NOW);

        assertThat(call.ended()).isTrue();
        assertThat(call.answerFinal()).hasValueSatisfying(answer -> {
            assertThat(answer.getAnswer()).isEqualTo("Earlier.");
            assertThat(answer.getRounds()).isEqualTo(1);
            assertThat(answer.getFinishReason()).isEqualTo(AnswerFinishReason.UPSTREAM_END);
            assertThat(answer.getUpstreamTokens()).as("the silent step's tokens count").isEqualTo(3);
        });
    }

    @Test
    void shouldJoinTheCorrectionWithOneSpaceAndGoOn() {
        SuffixSentence sentence = sentence("Two is five.", UpstreamFinish.SENTENCE, "Earlier.", 1);

        Transition<AlignedPrefix> after = loop.corrected(sentence, correction("  Two is four. \n", FinishReason.EOS), NOW);

        assertThat(after.events()).hasSize(1);
        SentenceAligned aligned = (SentenceAligned) after.events().get(0).getEvent();
        assertThat(aligned.getRound()).isEqualTo(2);
        assertThat(aligned.getOriginal()).isEqualTo("Two is five.");
        assertThat(aligned.getCorrected()).isEqualTo("Two is four.");
        assertThat(aligned.getChanged()).isTrue();
        assertThat(after.next()).hasValueSatisfying(next -> {
            assertThat(next.getAlignedPrefix()).isEqualTo("Earlier. Two is four.");
            assertThat(next.getRound()).isEqualTo(2);
            assertThat(next.getUpstreamTokens()).isEqualTo(3);
            assertThat(next.getAlignerTokens()).isEqualTo(5);
            assertThat(next.getAlignerMs()).isEqualTo(2);
        });
        Transition<AlignedPrefix> blank = loop.corrected(sentence, correction(" \n", FinishReason.EOS), NOW);
        assertThat(blank.next().orElseThrow().getAlignedPrefix()).as("a blank correction keeps the sentence")
                .isEqualTo("Earlier. Two is five.");
        Transition<AlignedPrefix> first = loop.corrected(sentence("First.", UpstreamFinish.SENTENCE, "", 0),
                correction("First.", FinishReason.EOS), NOW);
        assertThat(first.next().orElseThrow().getAlignedPrefix()).isEqualTo("First.");
        assertThat(AlignmentLoop.extend("Earlier.", "Two is four.")).as("the one join rule, for readers of the events")
                .isEqualTo("Earlier. Two is four.");
        assertThat(AlignmentLoop.extend("", "First.")).isEqualTo("First.");
    }

    @Test
    void shouldCheckTheStopRulesInOrder() {
        AlignmentRequest threeRoundsTenTokens = TestRecords.requestBuilder("r1", "q").setMaxRounds(3).setMaxTotalTokens(10).build();

        assertThat(endAfter(threeRoundsTenTokens, UpstreamFinish.END, FinishReason.END_OF_ANSWER, 2, 9))
                .isEqualTo(AnswerFinishReason.UPSTREAM_END);
        assertThat(endAfter(threeRoundsTenTokens, UpstreamFinish.SENTENCE, FinishReason.END_OF_ANSWER, 2, 9))
                .isEqualTo(AnswerFinishReason.ALIGNER_END);
        assertThat(endAfter(threeRoundsTenTokens, UpstreamFinish.SENTENCE, FinishReason.EOS, 2, 9))
                .isEqualTo(AnswerFinishReason.MAX_ROUNDS);
        assertThat(endAfter(threeRoundsTenTokens, UpstreamFinish.LENGTH, FinishReason.EOS, 1, 7))
                .isEqualTo(AnswerFinishReason.MAX_TOKENS);
        assertThat(endAfter(threeRoundsTenTokens, UpstreamFinish.SENTENCE, FinishReason.EOS, 1, 6)).isNull();
    }

    @Test
    void shouldSpeculateTheStepAfterAnUnchangedSentenceAndKnowItByItsCall() {
        SuffixSentence sentence = sentence("Two is five.", UpstreamFinish.SENTENCE, "Earlier.", 1);

        AlignedPrefix speculated = loop.speculativeNext(sentence).orElseThrow();
        AlignedPrefix unchanged = loop.corrected(sentence, correction("Two is five.", FinishReason.EOS), NOW).next()
                .orElseThrow();
        AlignedPrefix changed = loop.corrected(sentence, correction("Two is four.", FinishReason.EOS), NOW).next()
                .orElseThrow();

        assertThat(speculated.getAlignedPrefix()).isEqualTo("Earlier. Two is five.");
        assertThat(speculated.getRound()).isEqualTo(2);
        assertThat(unchanged.getAlignerTokens()).as("the actual prefix counts the correction").isNotEqualTo(
                speculated.getAlignerTokens());
        assertThat(loop.sameUpstreamCall(speculated, unchanged)).isTrue();
        assertThat(loop.upstreamCall(speculated)).isEqualTo(loop.upstreamCall(unchanged));
        assertThat(loop.sameUpstreamCall(speculated, changed)).isFalse();
    }

    @Test
    void shouldSayTwoPrefixesAskForTheSameCallExactlyWhenTheirRenderedCallsAreEqual() {
        AlignedPrefix base = TestRecords.prefix(TestRecords.requestBuilder("r1", "q").setMaxTotalTokens(50).build(),
                "Earlier.", 2);
        List<AlignedPrefix> variants = List.of(
                AlignedPrefix.newBuilder(base).setAlignerTokens(99).setAlignerMs(7).build(),
                AlignedPrefix.newBuilder(base).setAlignedPrefix("Earlier!").build(),
                AlignedPrefix.newBuilder(base).setRound(3).build(),
                AlignedPrefix.newBuilder(base).setUpstreamTokens(40).build(),
                AlignedPrefix.newBuilder(base).setRequest(TestRecords.requestBuilder("r1", "q").setMaxTotalTokens(50)
                        .setSystemPrompt("Be brief.").build()).build(),
                AlignedPrefix.newBuilder(base).setRequest(TestRecords.requestBuilder("r1", "q").setMaxTotalTokens(50)
                        .setGeneration(GenerationParams.newBuilder().setSeed(9).build()).build()).build());

        for (AlignedPrefix variant : variants) {
            assertThat(loop.sameUpstreamCall(base, variant)).as(variant.toString())
                    .isEqualTo(loop.upstreamCall(base).equals(loop.upstreamCall(variant)));
        }
        assertThat(loop.sameUpstreamCall(base, variants.get(0))).as("the aligner's totals do not matter").isTrue();
    }

    @Test
    void shouldNotSpeculateWhenTheRoundEndsTheRequestWhateverTheAlignerWrites() {
        AlignmentRequest threeRoundsTenTokens = TestRecords.requestBuilder("r1", "q").setMaxRounds(3).setMaxTotalTokens(10).build();

        assertThat(loop.speculativeNext(sentence("Done.", UpstreamFinish.END, "Earlier.", 1))).isEmpty();
        assertThat(loop.speculativeNext(sentence("", UpstreamFinish.SENTENCE, "Earlier.", 1))).isEmpty();
        assertThat(loop.speculativeNext(sentenceOf(threeRoundsTenTokens, UpstreamFinish.SENTENCE, 2, 0))).isEmpty();
        assertThat(loop.speculativeNext(sentenceOf(threeRoundsTenTokens, UpstreamFinish.SENTENCE, 1, 7))).isEmpty();
        assertThat(loop.speculativeNext(sentenceOf(threeRoundsTenTokens, UpstreamFinish.SENTENCE, 1, 6))).isPresent();
    }

    @Test
    void shouldEndAFailedCallWithAnErrorNamingItsStageAndRoundThenTheAnswerSoFar() {
        AlignedPrefix prefix = TestRecords.prefix(TestRecords.request("r1", "q"), "Earlier.", 1);
        Transition<Object> upstreamFailed = loop.upstreamFailed(prefix, new IllegalStateException("engine down"), NOW);
        Transition<Object> alignerFailed = loop.alignerFailed(sentence("Two.", UpstreamFinish.SENTENCE, "Earlier.", 1),
                new IllegalStateException("engine down"), NOW);

        for (Transition<Object> failed : List.of(upstreamFailed, alignerFailed)) {
            assertThat(failed.ended()).isTrue();
            AlignmentError error = (AlignmentError) failed.events().get(0).getEvent();
            assertThat(error.getRound()).isEqualTo(2);
            assertThat(error.getMessage()).isEqualTo("IllegalStateException: engine down");
            assertThat(failed.answerFinal().orElseThrow().getAnswer()).isEqualTo("Earlier.");
            assertThat(failed.answerFinal().orElseThrow().getFinishReason()).isEqualTo(AnswerFinishReason.ERROR);
        }
        assertThat(((AlignmentError) upstreamFailed.events().get(0).getEvent()).getStage()).isEqualTo(AlignmentStage.UPSTREAM);
        assertThat(((AlignmentError) alignerFailed.events().get(0).getEvent()).getStage()).isEqualTo(AlignmentStage.ALIGNER);
    }

    @Test
    void shouldRefuseAQuestionLargerThanTheLimitInUtf8Bytes() {
        AlignmentLoop smallQuestions = new AlignmentLoop(TestPrompts.UPSTREAM, TestPrompts.ALIGNER, new LoopLimits(128, 32, 8));

        assertThat(smallQuestions.admit("r1", TestRecords.request("r1", "12345678"), NOW).ended()).isFalse();
        assertRejected(smallQuestions.admit("r1", TestRecords.request("r1", "1234567é"), NOW),
                "question is 9 bytes (UTF-8), more than the 8 allowed");
        assertThat(LoopLimits.DEFAULTS.maxQuestionBytes()).isEqualTo(32 * 1024);
    }

    @Test
    void shouldRefuseARequestWithTheReasonGiven() {
        Transition<AlignedPrefix> refused = loop.refuse("r1", TestRecords.request("r1", "q"),
                new IllegalArgumentException("request id 'r1' is taken"), NOW);

        assertRejected(refused, "request id 'r1' is taken");
        assertThat(refused.events()).extracting(AlignmentResponse::getRequestId).containsOnly("r1");
    }

    @Test
    void shouldEndAnAnswerThatOutgrewAModelsContextWithItsMaxTokensFinal() {
        AlignedPrefix prefix = AlignedPrefix.newBuilder(TestRecords.prefix(TestRecords.request("r1", "q"), "Earlier.", 1))
                .setUpstreamTokens(20).build();
        PromptTooLongException full = new PromptTooLongException("r1", 512, 512);

        Transition<Object> upstreamFull = loop.upstreamFailed(prefix, full, NOW);
        Transition<Object> alignerFull = loop.alignerFailed(SuffixSentence.newBuilder()
                .setRequestId("r1").setRound(2).setSentence("Two.").setUpstreamFinish(UpstreamFinish.SENTENCE)
                .setUpstreamTokens(3).setUpstreamMs(1).setContext(prefix).build(),
                new IllegalStateException("wrapped", full), NOW);

        for (Transition<Object> ended : List.of(upstreamFull, alignerFull)) {
            assertThat(ended.events()).as("no error: the answer reached the model's limit").hasSize(1);
            AnswerFinal answer = ended.answerFinal().orElseThrow();
            assertThat(answer.getFinishReason()).isEqualTo(AnswerFinishReason.MAX_TOKENS);
            assertThat(answer.getAnswer()).isEqualTo("Earlier.");
            assertThat(answer.getRounds()).isEqualTo(1);
        }
        assertThat(alignerFull.answerFinal().orElseThrow().getUpstreamTokens()).as("the step's tokens count").isEqualTo(23);
    }

    @Test
    void shouldEndAQuestionTooLongForTheModelWithAnError() {
        AlignedPrefix roundZero = TestRecords.prefix(TestRecords.request("r1", "q"), "", 0);

        Transition<Object> tooLong = loop.upstreamFailed(roundZero, new PromptTooLongException("r1", 600, 512), NOW);

        assertThat(tooLong.answerFinal().orElseThrow().getFinishReason()).isEqualTo(AnswerFinishReason.ERROR);
        assertThat(((AlignmentError) tooLong.events().get(0).getEvent()).getMessage()).contains("600 tokens");
    }

    @Test
    void shouldSeedEveryRoundDifferentlyAndEveryReRunAlike() {
        GenerationParams params = GenerationParams.newBuilder().setTemperature(0.7).setTopK(40).setTopP(0.95)
                .setFrequencyPenalty(1.2).setSeed(42).build();

        SamplingParams round1 = StepSampling.upstream(params, 1);

        assertThat(round1).isEqualTo(new SamplingParams(0.7, 40, 0.95, 1.2, 1.0, StepSampling.stepSeed(42, 1)));
        assertThat(StepSampling.upstream(params, 1)).isEqualTo(round1);
        assertThat(IntStream.rangeClosed(1, 16).mapToLong(round -> StepSampling.stepSeed(42, round)).distinct()).hasSize(16);
        assertThat(StepSampling.stepSeed(43, 1)).isNotEqualTo(StepSampling.stepSeed(42, 1));
        assertThat(StepSampling.aligner(params, 1).greedy()).isTrue();
        assertThat(StepSampling.aligner(params, 1).seed()).isNotEqualTo(round1.seed());
        assertThat(StepSampling.generationParams(round1).getSeed()).isEqualTo(round1.seed());
    }

    private AnswerFinishReason endAfter(AlignmentRequest request, UpstreamFinish finish, FinishReason alignerFinish,
                                        int roundsBefore, int tokensBefore) {
        return loop.corrected(sentenceOf(request, finish, roundsBefore, tokensBefore), correction("Next.", alignerFinish),
                NOW).answerFinal().map(AnswerFinal::getFinishReason).orElse(null);
    }

    /** A three-token sentence "Next." of round {@code roundsBefore + 1}, after {@code tokensBefore} upstream tokens. */
    private static SuffixSentence sentenceOf(AlignmentRequest request, UpstreamFinish finish, int roundsBefore,
                                             int tokensBefore) {
        AlignedPrefix before = AlignedPrefix.newBuilder(TestRecords.prefix(request, "Earlier.", roundsBefore))
                .setUpstreamTokens(tokensBefore).build();
        return SuffixSentence.newBuilder().setRequestId(request.getRequestId())
                .setRound(roundsBefore + 1).setSentence("Next.").setUpstreamFinish(finish).setUpstreamTokens(3)
                .setUpstreamMs(1).setContext(before).build();
    }

    private static SuffixSentence sentence(String text, UpstreamFinish finish, String prefix, int round) {
        AlignedPrefix before = TestRecords.prefix(TestRecords.request("r1", "q"), prefix, round);
        return SuffixSentence.newBuilder().setRequestId("r1").setRound(round + 1).setSentence(text)
                .setUpstreamFinish(finish).setUpstreamTokens(3).setUpstreamMs(4).setContext(before).build();
    }

    private static Completion correction(String text, FinishReason finish) {
        return new Completion("r1", text, finish, 20, 5, 2_000_000);
    }

    private static void assertRejected(Transition<?> admitted, String reason) {
        assertThat(admitted.ended()).isTrue();
        assertThat(admitted.events()).extracting(AlignmentResponse::getEvent)
                .hasExactlyElementsOfTypes(AlignmentError.class, AnswerFinal.class);
        AlignmentError error = (AlignmentError) admitted.events().get(0).getEvent();
        assertThat(error.getStage()).isEqualTo(AlignmentStage.REQUEST);
        assertThat(error.getMessage()).contains(reason);
        assertThat(admitted.answerFinal().orElseThrow().getFinishReason()).isEqualTo(AnswerFinishReason.ERROR);
        assertThat(admitted.answerFinal().orElseThrow().getRounds()).isZero();
    }
}
