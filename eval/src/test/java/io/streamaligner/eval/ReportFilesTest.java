package io.streamaligner.eval;

import static io.streamaligner.eval.EvalAnswers.answer;
import static io.streamaligner.eval.EvalAnswers.item;
import static io.streamaligner.eval.EvalAnswers.results;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaligner.eval.judge.JudgeDimension;
import io.streamaligner.eval.judge.JudgeResults;
import io.streamaligner.eval.judge.JudgedPair;
import io.streamaligner.eval.judge.Verdict;
import io.streamaligner.eval.judge.WinRate;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportFilesTest {

    private static final SentenceRevision FIXED = new SentenceRevision("The answer is 4.", "The answer is 3.");

    private final List<EvalItem> items = List.of(item(1, "3"), item(2, "5"));
    private final EvalReport report = new EvalReport(EvalReportTest.SETTINGS, items,
            List.of(new EvalDataset.SkippedLine(3, "not a JSON object")),
            List.of(results(ArmName.UPSTREAM, 100, answer("The answer is 4.", List.of(), 5, 10, 5), answer("The answer is 5.", List.of(), 5, 10, 5)),
                    results(ArmName.STREAM, 100, answer("The answer is 3.", List.of(FIXED), 7, 12, 7), answer("The answer is 5.", List.of(), 6, 11, 6)),
                    results(ArmName.POSTHOC, 100, answer("The answer is 3.", List.of(FIXED), 14, 20, 4), answer("The answer is 5.", List.of(), 12, 18, 2))),
            Optional.of(new JudgeResults("judge-x", Map.of(JudgeDimension.HELPFULNESS, new WinRate(1, 1, 0),
                    JudgeDimension.HARMLESSNESS, new WinRate(0, 2, 0)),
                    List.of(new JudgedPair("k", 1, JudgeDimension.HELPFULNESS, Verdict.A, Verdict.B, "[[A]]", "[[B]]")),
                    0, 0, List.of())));

    @Test
    void shouldWriteTheMarkdownJsonAndChartFiles(@TempDir Path dir) throws IOException {
        List<Path> files = ReportFiles.write(report, dir.resolve("out"));

        assertThat(files).extracting(path -> path.getFileName().toString()).containsExactly("report.md", "report.json", "chart.png");
        assertThat(files).allSatisfy(file -> assertThat(file).isRegularFile());
    }

    @Test
    void shouldStateTheResultsInTheJsonReport(@TempDir Path dir) throws IOException {
        ReportFiles.write(report, dir);

        JsonNode json = new ObjectMapper().readTree(dir.resolve(ReportFiles.JSON).toFile());
        assertThat(json.get("summary").asText()).isEqualTo(report.summaryLine());
        assertThat(json.at("/arms/stream/accuracy").asDouble()).isEqualTo(1.0);
        assertThat(json.at("/arms/upstream/accuracy").asDouble()).isEqualTo(0.5);
        assertThat(json.at("/arms/upstream/changed_share").isNull()).isTrue();
        assertThat(json.at("/arms/posthoc/first_sentence_ms/p50").asDouble()).isEqualTo(12.0);
        assertThat(json.at("/judge/win_rate/helpfulness/omega_percent").asDouble()).isEqualTo(50.0);
        assertThat(json.at("/skipped_lines/0/line").asInt()).isEqualTo(3);
        assertThat(json.at("/items/0/answers/stream/sentences/0/corrected").asText()).isEqualTo("The answer is 3.");
        assertThat(json.at("/items/0/answers/upstream/correct").asBoolean()).isFalse();
    }

    @Test
    void shouldShowTheTableChartAndAnExampleInTheMarkdownReport(@TempDir Path dir) throws IOException {
        ReportFiles.write(report, dir);

        String markdown = Files.readString(dir.resolve(ReportFiles.MARKDOWN));
        assertThat(markdown)
                .contains(report.summaryLine())
                .contains("| arm | accuracy |")
                .contains("| stream | 1.000 (2/2) |")
                .contains("![accuracy and latency per arm](chart.png)")
                .contains("| helpfulness | 1 | 1 | 0 | +50.0 % |")
                .contains("~~The answer is 4.~~ **The answer is 3.**")
                .contains("line 3: not a JSON object");
    }

    @Test
    void shouldDrawTheChartAsAReadablePng(@TempDir Path dir) throws IOException {
        ReportFiles.write(report, dir);

        BufferedImage chart = ImageIO.read(dir.resolve(ReportFiles.CHART).toFile());
        assertThat(chart.getWidth()).isEqualTo(ReportChart.WIDTH);
        assertThat(chart.getHeight()).isEqualTo(ReportChart.HEIGHT);
        // the stream arm's accuracy bar (blue) is drawn
        boolean blue = false;
        for (int x = 0; x < chart.getWidth() && !blue; x++) {
            for (int y = 0; y < chart.getHeight() && !blue; y++) {
                blue = (chart.getRGB(x, y) & 0xFFFFFF) == 0x1F77B4;
            }
        }
        assertThat(blue).isTrue();
    }
}
