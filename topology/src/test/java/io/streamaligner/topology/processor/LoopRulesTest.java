package io.streamaligner.topology.processor;

import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.SamplingParams;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.GenerationParams;
import io.streamaligner.schemas.UpstreamFinish;
import io.streamaligner.schemas.serde.RecordClassTrust;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoopRulesTest {

    static {
        RecordClassTrust.install();
    }

    @Test
    void shouldStopTheUpstreamAtTheFirstDecidableSentenceBoundary() {
        assertThat(LoopRules.SENTENCE_STOP.stopAt(" Two is four. Next")).isEqualTo(13);
        assertThat(LoopRules.SENTENCE_STOP.stopAt(" Two is four")).isNegative();
    }

    @Test
    void shouldYieldTheStepsFirstSentenceAndContinueWhenMoreFollows() {
        assertThat(LoopRules.stepSentence(" Two is four.", UpstreamFinish.SENTENCE))
                .isEqualTo(new LoopRules.StepSentence("Two is four.", UpstreamFinish.SENTENCE));
        assertThat(LoopRules.stepSentence(" Last one.", UpstreamFinish.END))
                .isEqualTo(new LoopRules.StepSentence("Last one.", UpstreamFinish.END));
        assertThat(LoopRules.stepSentence(" A is one. B is two.", UpstreamFinish.END))
                .as("a generator that ran past the boundary: the loop goes on for the rest")
                .isEqualTo(new LoopRules.StepSentence("A is one.", UpstreamFinish.SENTENCE));
        assertThat(LoopRules.stepSentence("  ", UpstreamFinish.END))
                .isEqualTo(new LoopRules.StepSentence("", UpstreamFinish.END));
    }

    @Test
    void shouldJoinCorrectionsWithOneSpaceAndKeepTheSentenceWhenTheCorrectionIsBlank() {
        assertThat(LoopRules.appendCorrection("", "First.")).isEqualTo("First.");
        assertThat(LoopRules.appendCorrection("First.", "Second.")).isEqualTo("First. Second.");
        assertThat(LoopRules.correction("  Fixed. \n", "Broken.")).isEqualTo("Fixed.");
        assertThat(LoopRules.correction(" \n", "Kept.")).isEqualTo("Kept.");
    }

    @Test
    void shouldCheckTheStopRulesInOrder() {
        assertThat(LoopRules.endAfterRound(UpstreamFinish.END, FinishReason.END_OF_ANSWER, 16, 16, 99, 10))
                .contains(AnswerFinishReason.UPSTREAM_END);
        assertThat(LoopRules.endAfterRound(UpstreamFinish.SENTENCE, FinishReason.END_OF_ANSWER, 16, 16, 99, 10))
                .contains(AnswerFinishReason.ALIGNER_END);
        assertThat(LoopRules.endAfterRound(UpstreamFinish.SENTENCE, FinishReason.EOS, 16, 16, 99, 10))
                .contains(AnswerFinishReason.MAX_ROUNDS);
        assertThat(LoopRules.endAfterRound(UpstreamFinish.LENGTH, FinishReason.EOS, 3, 16, 10, 10))
                .contains(AnswerFinishReason.MAX_TOKENS);
        assertThat(LoopRules.endAfterRound(UpstreamFinish.SENTENCE, FinishReason.EOS, 3, 16, 9, 10))
                .isEqualTo(Optional.empty());
    }

    @Test
    void shouldGiveAStepTheSmallestOfItsLimitBudgetAndCap() {
        assertThat(LoopRules.upstreamStepTokens(64, 1024, 0, 128)).isEqualTo(64);
        assertThat(LoopRules.upstreamStepTokens(64, 100, 90, 128)).isEqualTo(10);
        assertThat(LoopRules.upstreamStepTokens(512, 1024, 0, 128)).isEqualTo(128);
    }

    @Test
    void shouldSeedEveryRoundDifferentlyAndEveryReRunAlike() {
        GenerationParams params = GenerationParams.newBuilder().setTemperature(0.7).setTopK(40).setTopP(0.95)
                .setFrequencyPenalty(1.2).setSeed(42).build();

        SamplingParams round1 = LoopRules.upstreamSampling(params, 1);

        assertThat(round1).isEqualTo(new SamplingParams(0.7, 40, 0.95, 1.2, 1.0, LoopRules.stepSeed(42, 1)));
        assertThat(LoopRules.upstreamSampling(params, 1)).isEqualTo(round1);
        assertThat(IntStream.rangeClosed(1, 16).mapToLong(round -> LoopRules.stepSeed(42, round)).distinct()).hasSize(16);
        assertThat(LoopRules.stepSeed(43, 1)).isNotEqualTo(LoopRules.stepSeed(42, 1));
        assertThat(LoopRules.alignerSampling(params, 1).greedy()).isTrue();
        assertThat(LoopRules.alignerSampling(params, 1).seed()).isNotEqualTo(round1.seed());
    }

    @Test
    void shouldRejectInvalidSamplingParameters() {
        GenerationParams negativeTemperature = GenerationParams.newBuilder().setTemperature(-1).build();

        assertThatThrownBy(() -> LoopRules.upstreamSampling(negativeTemperature, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("temperature");
    }

    @Test
    void shouldMapUpstreamFinishReasons() {
        assertThat(LoopRules.upstreamFinish(FinishReason.EOS)).isEqualTo(UpstreamFinish.END);
        assertThat(LoopRules.upstreamFinish(FinishReason.END_OF_ANSWER)).isEqualTo(UpstreamFinish.END);
        assertThat(LoopRules.upstreamFinish(FinishReason.STOP)).isEqualTo(UpstreamFinish.SENTENCE);
        assertThat(LoopRules.upstreamFinish(FinishReason.LENGTH)).isEqualTo(UpstreamFinish.LENGTH);
    }
}
