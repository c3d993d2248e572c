package io.streamaligner.eval;

import static io.streamaligner.eval.EvalAnswers.answer;
import static io.streamaligner.eval.EvalAnswers.item;
import static io.streamaligner.eval.EvalAnswers.results;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EvalReportTest {

    static final EvalSettings SETTINGS = new EvalSettings("java -jar stream-aligner.jar eval --dataset d.jsonl", "d.jsonl",
            List.of(ArmName.UPSTREAM, ArmName.STREAM, ArmName.POSTHOC), 4, 1, 16, 256, 0, "embedded broker at 127.0.0.1:1",
            "models/up", "models/al", "temperature 1.0, top-k 0, top-p 1.0");

    private final List<EvalItem> items = List.of(item(1, "3"), item(2, "5"), item(3, "7"), item(4, "9"));

    @Test
    void shouldSummariseAccuraciesAsFractionsInTheLastLine() {
        EvalReport report = new EvalReport(SETTINGS, items, List.of(), List.of(
                results(ArmName.UPSTREAM, 100, right(1), wrong(), wrong(), wrong()),
                results(ArmName.STREAM, 100, right(3), right(5), right(7), wrong()),
                results(ArmName.POSTHOC, 100, right(3), right(5), wrong(), wrong())), Optional.empty());

        assertThat(report.summaryLine()).isEqualTo("eval n=4 upstream=0.000 stream=0.750 posthoc=0.500 ttfs_ratio=1.000");
    }

    @Test
    void shouldDivideTheMedianFirstSentenceTimesOfStreamAndPosthoc() {
        // medians (nearest rank): stream 20 ms of 10, 20, 30, 40; posthoc 80 ms of 40, 80, 120, 160
        EvalReport report = new EvalReport(SETTINGS, items, List.of(), List.of(
                results(ArmName.STREAM, 100, first(10), first(20), first(30), first(40)),
                results(ArmName.POSTHOC, 100, first(160), first(40), first(120), first(80))), Optional.empty());

        assertThat(report.ttfsRatio().getAsDouble()).isEqualTo(0.25);
        assertThat(report.summaryLine()).endsWith(" ttfs_ratio=0.250");
    }

    @Test
    void shouldSayNotApplicableForArmsThatDidNotRun() {
        EvalReport report = new EvalReport(SETTINGS, items, List.of(), List.of(
                results(ArmName.STREAM, 100, right(3), right(5), right(7), right(9))), Optional.empty());

        assertThat(report.summaryLine()).isEqualTo("eval n=4 upstream=n/a stream=1.000 posthoc=n/a ttfs_ratio=n/a");
    }

    private static ArmAnswer right(int number) {
        return answer("The answer is " + number + ".", List.of(), 10, 50, 10);
    }

    private static ArmAnswer wrong() {
        return answer("The answer is 0.", List.of(), 10, 50, 10);
    }

    private static ArmAnswer first(long firstMs) {
        return answer("The answer is 0.", List.of(), firstMs, 2 * firstMs, firstMs);
    }
}
