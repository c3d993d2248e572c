package io.streamaligner.eval;

import io.streamaligner.eval.judge.JudgeDimension;
import io.streamaligner.eval.judge.JudgeResults;
import io.streamaligner.eval.judge.WinRate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code report.md}: the summary line, the results table and chart, what each figure means, the judge's win
 * rates, the settings, and a few questions where the arms differ, for a reader who was not at the terminal.
 */
final class ReportMarkdown {

    private static final int EXAMPLES = 3;

    private ReportMarkdown() {
    }

    static String render(EvalReport report, String chartFileName) {
        StringBuilder md = new StringBuilder("# Stream Aligner evaluation\n\n");
        md.append("Made by:\n\n```\n").append(report.settings().commandLine()).append("\n```\n\n");
        md.append("```\n").append(report.summaryLine()).append("\n```\n\n");
        md.append("## Results\n\n").append(ResultTable.of(report.metrics()).toMarkdown()).append('\n');
        md.append("![accuracy and latency per arm](").append(chartFileName).append(")\n\n");
        definitions(md);
        report.judge().ifPresent(judge -> judge(md, judge));
        settings(md, report);
        examples(md, report);
        if (!report.skipped().isEmpty()) {
            md.append("## Skipped dataset lines\n\n");
            report.skipped().forEach(line -> md.append("- line ").append(line.lineNumber()).append(": ")
                    .append(line.reason()).append('\n'));
            md.append('\n');
        }
        return md.toString();
    }

    private static void definitions(StringBuilder md) {
        md.append("""
                - **upstream**: the upstream model alone writes the whole answer. **stream**: the Kafka stream aligner \
                loop; each sentence is corrected before the upstream writes the next. **posthoc**: the upstream writes \
                the whole answer, then the aligner corrects its sentences one by one with no feedback to the upstream.
                - **accuracy**: the number after "The answer is" (else the last number) equals the expected answer; \
                failed answers count as wrong. **changed**: share of sentences the aligner rewrote.
                - **TTFS**: time to first aligned sentence — stream: from submitting the request to the first \
                SentenceAligned event; posthoc: from the start until the upstream's whole answer is written plus its \
                first correction; upstream: until its first sentence is written (nothing is aligned there).
                - **round**: the time one sentence added to an answer — stream: between successive SentenceAligned \
                events (the first from submitting); posthoc: one correction; upstream: between successive sentences.
                - **total**: from asking to the whole answer. **answers/s**: answers ÷ the arm's wall time with its \
                concurrency. Percentiles are nearest-rank. `ttfs_ratio` = median stream TTFS ÷ median posthoc TTFS.

                """);
    }

    private static void judge(StringBuilder md, JudgeResults judge) {
        md.append("## Judge: stream vs upstream\n\n");
        md.append("Judge model `").append(judge.judgeModel()).append("`, asked in both orders per question; ")
                .append("ω = (wins − losses) ÷ total × 100 %.\n\n");
        md.append("| dimension | wins | ties | losses | ω |\n| --- | ---: | ---: | ---: | ---: |\n");
        for (JudgeDimension dimension : JudgeDimension.values()) {
            WinRate rate = judge.winRates().get(dimension);
            if (rate != null) {
                md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s |%n", dimension.label(), rate.wins(),
                        rate.ties(), rate.losses(), Double.isNaN(rate.omegaPercent()) ? "-"
                                : String.format(Locale.ROOT, "%+.1f %%", rate.omegaPercent())));
            }
        }
        md.append(String.format(Locale.ROOT, "%n%d judgements from the cache, %d unreadable verdicts (scored as ties), "
                + "%d questions the judge could not be asked about.%n%n", judge.fromCache(), judge.unparseable(),
                judge.failures().size()));
    }

    private static void settings(StringBuilder md, EvalReport report) {
        EvalSettings settings = report.settings();
        md.append("## Settings\n\n");
        md.append("- dataset: `").append(settings.dataset()).append("`, ").append(report.items().size())
                .append(" questions, ").append(report.skipped().size()).append(" lines skipped\n");
        md.append("- arms: ").append(String.join(", ", settings.arms().stream().map(ArmName::label).toList()))
                .append("; concurrency ").append(settings.concurrency()).append(" per arm; ")
                .append(settings.warmup()).append(" warm-up question(s) per arm, not counted\n");
        md.append("- upstream: `").append(settings.upstreamModel()).append("`, ").append(settings.upstreamSampling())
                .append(", seed per question from run seed ").append(settings.seed()).append('\n');
        md.append("- aligner: `").append(settings.alignerModel()).append("`, greedy\n");
        md.append("- limits: ").append(settings.maxRounds()).append(" rounds, ").append(settings.maxTokens())
                .append(" upstream tokens per answer\n");
        md.append("- Kafka: ").append(settings.kafka()).append("\n\n");
    }

    /**
     * Questions the stream arm got right and the upstream arm wrong, where both ran; those where the aligner
     * changed a sentence first, since they show the correction at work.
     */
    private static void examples(StringBuilder md, EvalReport report) {
        Optional<ArmResults> upstream = report.results(ArmName.UPSTREAM);
        Optional<ArmResults> stream = report.results(ArmName.STREAM);
        if (upstream.isEmpty() || stream.isEmpty()) {
            return;
        }
        List<EvalItem> items = report.items();
        List<Integer> streamOnlyRight = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Optional<String> expected = items.get(i).expectedAnswer();
            if (expected.isPresent() && AnswerNumbers.isCorrect(stream.get().answers().get(i).answer(), expected.get())
                    && !AnswerNumbers.isCorrect(upstream.get().answers().get(i).answer(), expected.get())) {
                streamOnlyRight.add(i);
            }
        }
        if (streamOnlyRight.isEmpty()) {
            return;
        }
        streamOnlyRight.sort(Comparator.comparing(
                (Integer i) -> stream.get().answers().get(i).revisions().stream().noneMatch(SentenceRevision::changed)));
        md.append("## Examples: stream right, upstream wrong\n\n");
        for (int i : streamOnlyRight.subList(0, Math.min(EXAMPLES, streamOnlyRight.size()))) {
            EvalItem item = items.get(i);
            md.append("**Line ").append(item.lineNumber()).append("**: ").append(item.question())
                    .append(" (expected ").append(item.expectedAnswer().orElseThrow()).append(")\n\n");
            md.append("- upstream: ").append(upstream.get().answers().get(i).answer()).append('\n');
            List<String> sentences = new ArrayList<>();
            for (SentenceRevision revision : stream.get().answers().get(i).revisions()) {
                sentences.add(revision.changed() ? "~~" + revision.original() + "~~ **" + revision.corrected() + "**"
                        : revision.corrected());
            }
            md.append("- stream: ").append(String.join(" ", sentences)).append('\n');
            report.results(ArmName.POSTHOC).ifPresent(posthoc -> md.append("- posthoc: ")
                    .append(posthoc.answers().get(i).answer()).append('\n'));
            md.append('\n');
        }
        md.append("In the stream answers, ~~struck~~ sentences are the upstream's and **bold** ones the aligner's "
                + "corrections, which the upstream continued from.\n\n");
    }
}
