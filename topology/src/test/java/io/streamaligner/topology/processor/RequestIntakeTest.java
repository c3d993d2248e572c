package io.streamaligner.topology.processor;

import io.streamaligner.topology.metrics.LoopMetrics;

import io.streamaligner.loop.testing.TestPrompts;

import io.streamaligner.loop.LoopLimits;

import io.streamaligner.loop.AlignmentLoop;

import io.streamaligner.loop.testing.TestRecords;
import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.AlignmentStage;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.GenerationParams;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RequestIntakeTest {

    private final MockProcessorContext<String, Object> context = MockStores.newContext();
    private final RequestIntake intake = new RequestIntake(new AlignmentLoop(TestPrompts.UPSTREAM, TestPrompts.ALIGNER,
            LoopLimits.DEFAULTS), Duration.ofMinutes(10), "upstream-step", "responses-sink", LoopMetrics.none());

    @BeforeEach
    void start() {
        context.setCurrentSystemTimeMs(42_000);
        context.setRecordMetadata("prompts", 0, 100);
        MockStores.attach(RequestIntake.admittedStore(), context);
        intake.init(context);
    }

    @Test
    void shouldStartTheLoopAtRoundZeroWithAnEmptyPrefix() {
        AlignmentRequest request = TestRecords.request("r1", "What is 3 + 4?");

        intake.process(new Record<>("r1", request, 7));

        AlignedPrefix roundZero = (AlignedPrefix) context.forwarded("upstream-step").get(0).record().value();
        assertThat(roundZero.getRequest()).isEqualTo(request);
        assertThat(roundZero.getAlignedPrefix()).isEmpty();
        assertThat(roundZero.getRound()).isZero();
        assertThat(roundZero.getUpstreamTokens()).isZero();
        assertThat(roundZero.getStartedAtMs()).isEqualTo(42_000);
        assertThat(context.forwarded("responses-sink")).isEmpty();
    }

    @Test
    void shouldAnswerAnInvalidRequestWithAnErrorAndAFinal() {
        AlignmentRequest badSampling = TestRecords.requestBuilder("r1", "q")
                .setGeneration(GenerationParams.newBuilder().setTopP(0).build()).build();

        intake.process(new Record<>("r1", badSampling, 7));

        assertThat(context.forwarded("upstream-step")).isEmpty();
        AlignmentError error = (AlignmentError) response(0).getEvent();
        assertThat(error.getStage()).isEqualTo(AlignmentStage.REQUEST);
        assertThat(error.getMessage()).contains("topP");
        AnswerFinal answer = (AnswerFinal) response(1).getEvent();
        assertThat(answer.getFinishReason()).isEqualTo(AnswerFinishReason.ERROR);
        assertThat(answer.getRounds()).isZero();
        assertThat(answer.getRequestId()).isEqualTo("r1");
    }

    @Test
    void shouldRejectBlankQuestionsAndSpentBudgets() {
        intake.process(new Record<>("r1", TestRecords.request("r1", "  "), 7));
        intake.process(new Record<>("r2", TestRecords.requestBuilder("r2", "q").setMaxTotalTokens(0).build(), 7));
        intake.process(new Record<>("r3", TestRecords.requestBuilder("r3", "q")
                .setGeneration(GenerationParams.newBuilder().setMaxNewTokensPerStep(0).build()).build(), 7));

        assertThat(context.forwarded("upstream-step")).isEmpty();
        assertThat(((AlignmentError) response(0).getEvent()).getMessage()).contains("question is blank");
        assertThat(((AlignmentError) response(2).getEvent()).getMessage()).contains("max_total_tokens");
        assertThat(((AlignmentError) response(4).getEvent()).getMessage()).contains("max_new_tokens_per_step");
    }

    @Test
    void shouldRefuseAnIdAlreadyAdmittedFromAnotherRecordSayingItIsTaken() {
        intake.process(new Record<>("r1", TestRecords.request("r1", "What is 3 + 4?"), 7));
        context.setRecordMetadata("prompts", 0, 101);

        intake.process(new Record<>("r1", TestRecords.request("r1", "What is 5 + 6?"), 8));

        assertThat(context.forwarded("upstream-step")).as("only the first goes on").hasSize(1);
        AlignmentError error = (AlignmentError) response(0).getEvent();
        assertThat(error.getStage()).isEqualTo(AlignmentStage.REQUEST);
        assertThat(error.getMessage()).contains("request id 'r1' is taken").contains("give each request a new id");
        assertThat(((AnswerFinal) response(1).getEvent()).getFinishReason()).isEqualTo(AnswerFinishReason.ERROR);
    }

    @Test
    void shouldLetTheSameRecordReadAgainGoOnAsAReplay() {
        AlignmentRequest request = TestRecords.request("r1", "What is 3 + 4?");

        intake.process(new Record<>("r1", request, 7));
        intake.process(new Record<>("r1", request, 7));

        assertThat(context.forwarded("upstream-step")).hasSize(2);
        assertThat(context.forwarded("responses-sink")).isEmpty();
    }

    @Test
    void shouldAdmitAnIdAgainOnceItsRetentionHasPassed() {
        intake.process(new Record<>("r1", TestRecords.request("r1", "What is 3 + 4?"), 7));
        context.setCurrentSystemTimeMs(42_000 + Duration.ofMinutes(11).toMillis());
        MockStores.punctuate(context);
        context.setRecordMetadata("prompts", 0, 101);

        intake.process(new Record<>("r1", TestRecords.request("r1", "What is 5 + 6?"), 8));

        assertThat(context.forwarded("upstream-step")).hasSize(2);
        assertThat(context.forwarded("responses-sink")).isEmpty();
    }

    @Test
    void shouldNotTakeTheIdOfARefusedRequest() {
        intake.process(new Record<>("r1", TestRecords.request("r1", " "), 7));
        context.setRecordMetadata("prompts", 0, 101);

        intake.process(new Record<>("r1", TestRecords.request("r1", "What is 5 + 6?"), 8));

        assertThat(context.forwarded("upstream-step")).hasSize(1);
    }

    private AlignmentResponse response(int index) {
        return (AlignmentResponse) context.forwarded("responses-sink").get(index).record().value();
    }
}
