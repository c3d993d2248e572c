package io.streamaligner.topology.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.SentenceAligned;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

class LoopMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final LoopMetrics metrics = new LoopMetrics(registry);

    @Test
    void shouldPublishTheLoopsMetersUnderTheirPrometheusNames() {
        metrics.responded(response(SentenceAligned.newBuilder().setRequestId("r1").setRound(1).setOriginal("a")
                .setCorrected("b").setChanged(true).setUpstreamMs(30).setAlignerMs(20).build()));
        metrics.responded(response(AnswerFinal.newBuilder().setRequestId("r1").setAnswer("b").setRounds(1)
                .setFinishReason(AnswerFinishReason.MAX_TOKENS).setUpstreamTokens(3).setAlignerTokens(2)
                .setUpstreamMs(30).setAlignerMs(20).setTotalMs(60).build()));
        metrics.feedbackHop(Duration.ofMillis(9));
        metrics.feedbackHop(Duration.ofMillis(-3));
        metrics.deadLettered("MALFORMED");
        metrics.generated(LoopMetrics.ALIGNER, 7);
        metrics.pendingChanged(LoopMetrics.UPSTREAM, 3);
        metrics.pendingChanged(LoopMetrics.ALIGNER, 2);
        metrics.pendingChanged(LoopMetrics.UPSTREAM, -1);

        String scraped = registry.scrape();

        assertThat(scraped)
                .contains("streamaligner_round_seconds_bucket{stage=\"upstream\"")
                .contains("streamaligner_round_seconds_count{stage=\"aligner\"} 1")
                .contains("streamaligner_round_seconds_count{stage=\"kafka\"} 2")
                .contains("streamaligner_round_seconds_sum{stage=\"upstream\"} 0.03")
                .contains("streamaligner_answers_total{finish_reason=\"MAX_TOKENS\"} 1.0")
                .contains("streamaligner_dead_letters_total{reason=\"MALFORMED\"} 1.0")
                .contains("streamaligner_model_tokens_total{model=\"aligner\"} 7.0")
                .contains("streamaligner_model_tokens_total{model=\"upstream\"} 0.0")
                .contains("streamaligner_requests_in_flight 4.0");
    }

    @Test
    void shouldGiveTheFiguresOfTheLiveMomentFromTheSameMeters() {
        assertThat(metrics.figures()).isEqualTo(new LoopFigures(0, 0, 0, 0, 0));
        for (int ms : new int[] {10, 20, 30}) {
            metrics.responded(response(SentenceAligned.newBuilder().setRequestId("r1").setRound(1).setOriginal("a")
                    .setCorrected("a").setChanged(false).setUpstreamMs(ms).setAlignerMs(ms / 10).build()));
        }
        metrics.feedbackHop(Duration.ofMillis(8));
        metrics.pendingChanged(LoopMetrics.UPSTREAM, 2);
        metrics.pendingChanged(LoopMetrics.ALIGNER, 1);

        LoopFigures figures = metrics.figures();

        assertThat(figures.requestsInFlight()).isEqualTo(3);
        assertThat(figures.roundsAligned()).isEqualTo(3);
        // Micrometer's percentiles are approximate (a few per cent)
        assertThat(figures.upstreamP50Ms()).isCloseTo(20, withPercentage(10));
        assertThat(figures.alignerP50Ms()).isCloseTo(2, withPercentage(10));
        assertThat(figures.kafkaP50Ms()).isCloseTo(8, withPercentage(10));
        assertThat(registry.scrape()).as("Prometheus gets the histogram, not the median").doesNotContain("quantile");
    }

    private static AlignmentResponse response(Object event) {
        return AlignmentResponse.newBuilder().setRequestId("r1").setEvent(event).build();
    }
}
