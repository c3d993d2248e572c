package io.streamaligner.topology.cli;

import static io.streamaligner.eval.judge.JudgeEndpointDouble.ScriptedResponse.reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaligner.eval.ReportFiles;
import io.streamaligner.eval.judge.JudgeDimension;
import io.streamaligner.eval.judge.JudgeEndpointDouble;
import io.streamaligner.eval.judge.JudgeEndpointDouble.ReceivedRequest;
import io.streamaligner.eval.toymath.ToyMathDataset;
import io.streamaligner.loop.segment.SentenceSegmenter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code eval} command end to end on the embedded default (an in-process broker and the application with the
 * bundled models), with a local HTTP server standing in for the judge. It checks the machinery, not the models'
 * quality: the bundled models may be untrained.
 */
@Tag("integration")
class EvalCommandIT {

    private static final String SUMMARY = "eval n=3 upstream=\\d\\.\\d{3} stream=\\d\\.\\d{3} posthoc=\\d\\.\\d{3} ttfs_ratio=\\d+\\.\\d{3}";

    @Test
    void shouldEvaluateAllArmsOnTheEmbeddedDefaultAndWriteTheReport(@TempDir Path dir) throws Exception {
        // Given three toy questions and a bad line, and a judge that always prefers the response shown first
        List<String> lines = new ArrayList<>(ToyMathDataset.lines(7, 3));
        lines.add(1, "{\"question\": ");
        Path dataset = Files.write(dir.resolve("questions.jsonl"), lines);
        Path report = dir.resolve("report");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (JudgeEndpointDouble judge = JudgeEndpointDouble.start(request -> reply("Looks better.\nVERDICT: [[A]]"))) {

            // When the command runs with no bootstrap servers; one answer at a time, so that each draft is computed
            // alone in the engine and the upstream and posthoc arms' drafts can be compared exactly
            int exitCode = new CommandLine(new EvalCommand(Map.of(EvalCommand.DEFAULT_JUDGE_KEY_VARIABLE, "sk-it")))
                    .setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                    .execute("--dataset", dataset.toString(), "--report", report.toString(), "--concurrency", "1",
                            "--warmup", "1", "--max-rounds", "4", "--max-tokens", "48",
                            "--judge-url", judge.baseUrl(), "--judge-model", "judge-it");

            // Then it ends with the summary line, having reported the bad line
            assertThat(exitCode).as("stderr: %s", err).isZero();
            List<String> printed = out.toString().strip().lines().toList();
            assertThat(printed.get(printed.size() - 1)).matches(SUMMARY);
            assertThat(printed).anySatisfy(line -> assertThat(line).startsWith("arm "));
            assertThat(err.toString()).contains("line 2 skipped: not valid JSON");

            // and wrote the three report files, with every arm's answers
            assertThat(report.resolve(ReportFiles.MARKDOWN)).isRegularFile();
            assertThat(report.resolve(ReportFiles.CHART)).isRegularFile();
            JsonNode json = new ObjectMapper().readTree(report.resolve(ReportFiles.JSON).toFile());
            assertThat(json.get("summary").asText()).isEqualTo(printed.get(printed.size() - 1));
            assertThat(json.get("items")).hasSize(3);
            for (String arm : List.of("upstream", "stream", "posthoc")) {
                assertThat(json.at("/arms/" + arm + "/errors").asInt()).as(arm + " errors").isZero();
            }
            for (JsonNode item : json.get("items")) {
                JsonNode stream = item.at("/answers/stream");
                List<String> corrected = new ArrayList<>();
                stream.path("sentences").forEach(sentence -> corrected.add(sentence.get("corrected").asText()));
                // the stream's answer is its corrected sentences joined, one per round
                assertThat(corrected).hasSize(stream.get("rounds").asInt());
                assertThat(stream.get("answer").asText()).isEqualTo(String.join(" ", corrected));
                // posthoc corrects the very draft the upstream arm wrote: same sampling, same seed
                List<String> upstreamSentences = SentenceSegmenter.split(item.at("/answers/upstream/answer").asText());
                List<String> posthocOriginals = new ArrayList<>();
                item.at("/answers/posthoc/sentences").forEach(sentence -> posthocOriginals.add(sentence.get("original").asText()));
                assertThat(upstreamSentences).startsWith(posthocOriginals.toArray(String[]::new));
            }

            // and the judge was asked about each question in both orders, with the rubric, the model and the key
            List<ReceivedRequest> received = judge.received();
            assertThat(received).hasSize(3 * JudgeDimension.values().length * 2);
            assertThat(received).allSatisfy(request -> {
                assertThat(request.authorization()).contains("Bearer sk-it");
                assertThat(request.model()).isEqualTo("judge-it");
            });
            for (JsonNode item : json.get("items")) {
                String streamAnswer = item.at("/answers/stream/answer").asText();
                String upstreamAnswer = item.at("/answers/upstream/answer").asText();
                for (JudgeDimension dimension : JudgeDimension.values()) {
                    assertThat(received).filteredOn(r -> r.system().equals(dimension.rubric())
                                    && r.user().startsWith("[Question]\n" + item.get("question").asText() + "\n"))
                            .extracting(JudgeEndpointDouble::responseA, JudgeEndpointDouble::responseB)
                            .containsExactlyInAnyOrder(tuple(streamAnswer, upstreamAnswer), tuple(upstreamAnswer, streamAnswer));
                }
            }
            // a judge that always picks the first response cancels out: every question a tie, ω = 0
            assertThat(json.at("/judge/win_rate/helpfulness/ties").asInt()).isEqualTo(3);
            assertThat(json.at("/judge/win_rate/helpfulness/omega_percent").asDouble()).isZero();
            assertThat(Files.readAllLines(report.resolve(EvalCommand.JUDGE_CACHE_FILE))).hasSize(3 * JudgeDimension.values().length);
        }
    }
}
