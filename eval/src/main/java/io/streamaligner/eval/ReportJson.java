package io.streamaligner.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamaligner.eval.judge.JudgeDimension;
import io.streamaligner.eval.judge.JudgeResults;
import io.streamaligner.eval.judge.JudgedPair;
import io.streamaligner.eval.judge.WinRate;
import java.util.List;
import java.util.OptionalDouble;

/**
 * {@code report.json}: the run's settings, each arm's metrics, the judge's win rates and, per question, every
 * arm's answer with its sentences and timings, for anyone who wants to recompute or plot the figures. Times are
 * in milliseconds; a figure that does not apply is {@code null}.
 */
final class ReportJson {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportJson() {
    }

    static String render(EvalReport report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("summary", report.summaryLine());
        settings(root.putObject("settings"), report.settings());
        root.put("n", report.items().size());
        ArrayNode skipped = root.putArray("skipped_lines");
        report.skipped().forEach(line -> skipped.addObject().put("line", line.lineNumber()).put("reason", line.reason()));
        ObjectNode arms = root.putObject("arms");
        report.metrics().forEach(metrics -> metrics(arms.putObject(metrics.arm().label()), metrics));
        putNumber(root, "ttfs_ratio", report.ttfsRatio());
        root.put("ttfs_ratio_basis", "median time to first aligned sentence, stream arm / posthoc arm");
        report.judge().ifPresent(judge -> judge(root.putObject("judge"), judge));
        items(root.putArray("items"), report);
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    private static void settings(ObjectNode node, EvalSettings settings) {
        node.put("command", settings.commandLine());
        node.put("dataset", settings.dataset());
        ArrayNode arms = node.putArray("arms");
        settings.arms().forEach(arm -> arms.add(arm.label()));
        node.put("concurrency", settings.concurrency());
        node.put("seed", settings.seed());
        node.put("max_rounds", settings.maxRounds());
        node.put("max_tokens", settings.maxTokens());
        node.put("warmup", settings.warmup());
        node.put("kafka", settings.kafka());
        node.put("upstream_model", settings.upstreamModel());
        node.put("aligner_model", settings.alignerModel());
        node.put("upstream_sampling", settings.upstreamSampling());
        node.put("aligner_sampling", "greedy");
    }

    private static void metrics(ObjectNode node, ArmMetrics metrics) {
        node.put("answers", metrics.answers());
        node.put("errors", metrics.errors());
        node.put("graded", metrics.graded());
        node.put("correct", metrics.correct());
        putNumber(node, "accuracy", metrics.accuracy());
        putNumber(node, "changed_share", metrics.changedShare());
        putNumber(node, "rounds_per_answer", metrics.roundsPerAnswer());
        latency(node.putObject("first_sentence_ms"), metrics.firstSentence());
        latency(node.putObject("round_ms"), metrics.round());
        latency(node.putObject("total_ms"), metrics.total());
        putNumber(node, "answers_per_second", metrics.answersPerSecond());
    }

    private static void latency(ObjectNode node, LatencySummary latency) {
        node.put("count", latency.count());
        putNumber(node, "p50", latency.p50Ms());
        putNumber(node, "p99", latency.p99Ms());
        putNumber(node, "mean", latency.meanMs());
    }

    private static void judge(ObjectNode node, JudgeResults judge) {
        node.put("model", judge.judgeModel());
        node.put("comparison", "stream vs upstream, both orders per question");
        ObjectNode rates = node.putObject("win_rate");
        for (JudgeDimension dimension : JudgeDimension.values()) {
            WinRate rate = judge.winRates().get(dimension);
            if (rate != null) {
                ObjectNode entry = rates.putObject(dimension.label());
                entry.put("wins", rate.wins()).put("ties", rate.ties()).put("losses", rate.losses());
                putNumber(entry, "omega_percent", rate.omegaPercent());
            }
        }
        node.put("from_cache", judge.fromCache());
        node.put("unparseable_verdicts", judge.unparseable());
        ArrayNode failures = node.putArray("failures");
        judge.failures().forEach(failures::add);
        ArrayNode pairs = node.putArray("verdicts");
        for (JudgedPair pair : judge.pairs()) {
            pairs.addObject().put("line", pair.lineNumber()).put("dimension", pair.dimension().label())
                    .put("stream_first", pair.streamFirst().name()).put("upstream_first", pair.upstreamFirst().name())
                    .put("outcome", pair.outcome().name());
        }
    }

    private static void items(ArrayNode node, EvalReport report) {
        List<EvalItem> items = report.items();
        for (int i = 0; i < items.size(); i++) {
            EvalItem item = items.get(i);
            ObjectNode entry = node.addObject();
            entry.put("line", item.lineNumber());
            entry.put("question", item.question());
            entry.put("expected", item.expectedAnswer().orElse(null));
            ObjectNode answers = entry.putObject("answers");
            for (ArmResults results : report.results()) {
                answer(answers.putObject(results.arm().label()), results.answers().get(i), item);
            }
        }
    }

    private static void answer(ObjectNode node, ArmAnswer answer, EvalItem item) {
        node.put("answer", answer.answer());
        if (item.expectedAnswer().isPresent()) {
            node.put("correct", answer.succeeded() && AnswerNumbers.isCorrect(answer.answer(), item.expectedAnswer().get()));
        }
        node.put("rounds", answer.rounds());
        node.put("finish_reason", answer.finishReason());
        if (answer.firstSentenceNanos().isPresent()) {
            node.put("first_sentence_ms", answer.firstSentenceNanos().getAsLong() / 1e6);
        } else {
            node.putNull("first_sentence_ms");
        }
        ArrayNode rounds = node.putArray("round_ms");
        answer.roundNanos().forEach(nanos -> rounds.add(nanos / 1e6));
        node.put("total_ms", answer.totalNanos() / 1e6);
        answer.error().ifPresent(error -> node.put("error", error));
        if (!answer.revisions().isEmpty()) {
            ArrayNode sentences = node.putArray("sentences");
            answer.revisions().forEach(revision -> sentences.addObject().put("original", revision.original())
                    .put("corrected", revision.corrected()).put("changed", revision.changed()));
        }
    }

    private static void putNumber(ObjectNode node, String field, OptionalDouble value) {
        putNumber(node, field, value.isPresent() ? value.getAsDouble() : Double.NaN);
    }

    private static void putNumber(ObjectNode node, String field, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }
}
