package io.streamaligner.topology.cli;

import io.streamaligner.eval.ArmName;
import io.streamaligner.eval.ArmResults;
import io.streamaligner.eval.ArmRunner;
import io.streamaligner.eval.EvalArms;
import io.streamaligner.eval.EvalDataset;
import io.streamaligner.eval.EvalItem;
import io.streamaligner.eval.EvalReport;
import io.streamaligner.eval.EvalSettings;
import io.streamaligner.eval.Evaluation;
import io.streamaligner.eval.ProgressBar;
import io.streamaligner.eval.QuestionSampling;
import io.streamaligner.eval.ReportFiles;
import io.streamaligner.eval.ResultTable;
import io.streamaligner.eval.judge.ChatCompletionsJudge;
import io.streamaligner.eval.judge.JudgeDimension;
import io.streamaligner.eval.judge.JudgeItem;
import io.streamaligner.eval.judge.JudgeResults;
import io.streamaligner.eval.judge.StreamVersusUpstream;
import io.streamaligner.eval.judge.WinRate;
import io.streamaligner.inference.model.GenerationDefaults;
import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.topology.app.AlignmentSession;
import io.streamaligner.topology.app.AlignmentSession.Application;
import io.streamaligner.topology.app.LoadedModels;
import io.streamaligner.topology.config.StreamAlignerConfig;
import io.streamaligner.topology.error.UserFixableException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code eval}: answer quality and latency of stream alignment against its baselines, on the same questions.
 * <pre>
 * java -jar topology/target/stream-aligner.jar eval --dataset ops/eval/toy-math-200.jsonl --report out
 * </pre>
 * Arms, run one after another: {@code upstream} (the upstream alone), {@code stream} (the Kafka loop, on the
 * embedded default or {@code --bootstrap-servers}; this process starts the application there) and {@code posthoc}
 * (the upstream's whole answer corrected afterwards). The upstream samples as its {@code generation_config.json}
 * recommends with a seed per question, identically in every arm; the aligner is greedy. Prints progress on
 * stderr, then the table on stdout and, last, {@code eval n=N upstream=U stream=S posthoc=P ttfs_ratio=R}.
 * With {@code --judge-url} and {@code --judge-model} an OpenAI-compatible judge also compares stream and upstream
 * answers on helpfulness and harmlessness (both orders) and the win rate ω is reported.
 */
@Command(name = "eval",
        description = {"Evaluates the stream aligner against its baselines on a JSONL dataset "
                + "({\"question\": ..., \"answer\": ...} per line, answer optional): accuracy, sentences changed, rounds, "
                + "time to first aligned sentence, round latency, total time and throughput per arm.",
                "The last line printed is: eval n=N upstream=U stream=S posthoc=P ttfs_ratio=R "
                        + "(accuracies as fractions; R = median stream TTFS / median posthoc TTFS)."})
public final class EvalCommand implements Callable<Integer> {

    /** The environment variable holding the judge's API key unless {@code --judge-key-env} names another. */
    public static final String DEFAULT_JUDGE_KEY_VARIABLE = "STREAM_ALIGNER_JUDGE_API_KEY";
    static final String JUDGE_CACHE_FILE = "judge-cache.jsonl";
    private static final Duration JUDGE_REQUEST_TIMEOUT = Duration.ofMinutes(2);
    private static final int JUDGE_ATTEMPTS = 4;
    private static final Duration JUDGE_FIRST_BACKOFF = Duration.ofSeconds(1);

    @Mixin
    private ConfigOptions config;

    @Option(names = "--dataset", paramLabel = "FILE", required = true,
            description = "JSONL questions: {\"question\": \"...\", \"answer\": \"...\"} per line; bad lines are reported and skipped.")
    private Path dataset;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Write report.md, report.json and chart.png (accuracy and latency per arm) here.")
    private Path reportDir;

    @Option(names = "--limit", paramLabel = "N", description = "Take the dataset's first N questions only.")
    private Integer limit;

    @Option(names = "--concurrency", paramLabel = "C", defaultValue = "8",
            description = "Answers in flight at most, per arm (default: ${DEFAULT-VALUE}).")
    private int concurrency;

    @Option(names = "--arms", paramLabel = "ARM", split = ",", defaultValue = "upstream,stream,posthoc",
            description = "Which arms to run, in this order (default: ${DEFAULT-VALUE}).")
    private List<String> armLabels;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Run seed; each question's upstream seed derives from it and the question's line (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--max-rounds", paramLabel = "N", defaultValue = "16",
            description = "Rounds (sentences) per answer at most, as in the paper (default: ${DEFAULT-VALUE}).")
    private int maxRounds;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "256",
            description = "Upstream tokens per answer at most, in every arm (default: ${DEFAULT-VALUE}).")
    private int maxTokens;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "2",
            description = "Questions each arm answers before measuring, not counted (default: ${DEFAULT-VALUE}).")
    private int warmup;

    @Option(names = "--answer-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long the stream arm waits for one answer (default: ${DEFAULT-VALUE}).")
    private long answerTimeoutSeconds;

    @Option(names = "--judge-url", paramLabel = "URL",
            description = "An OpenAI-compatible API base URL (e.g. https://api.openai.com/v1): judge stream vs upstream answers.")
    private String judgeUrl;

    @Option(names = "--judge-model", paramLabel = "NAME", description = "The judge model's name (with --judge-url).")
    private String judgeModel;

    @Option(names = "--judge-key-env", paramLabel = "VAR", defaultValue = DEFAULT_JUDGE_KEY_VARIABLE,
            description = "Environment variable holding the judge's API key, sent as a bearer token if set (default: ${DEFAULT-VALUE}).")
    private String judgeKeyVariable;

    @Option(names = "--judge-cache", paramLabel = "FILE",
            description = "Verdicts cache, so an interrupted run resumes (default: " + JUDGE_CACHE_FILE
                    + " in the report folder, else in the current folder).")
    private Path judgeCacheFile;

    @Spec
    private CommandSpec spec;

    private final Map<String, String> environment;

    public EvalCommand() {
        this(System.getenv());
    }

    /** With {@code environment} in place of the process's, for the judge's key and the configuration. */
    EvalCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public Integer call() throws InterruptedException {
        List<ArmName> arms = parseArms();
        validate(arms);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        EvalDataset data = readDataset(err);
        List<EvalItem> items = data.items();
        StreamAlignerConfig resolved = config.resolve(environment);
        GenerationDefaults upstreamDefaults = UpstreamSampling.defaults(resolved);
        Function<EvalItem, QuestionSampling> samplingOf = item ->
                QuestionSampling.recommended(upstreamDefaults, QuestionSampling.questionSeed(seed, item.lineNumber()));
        String sampling = UpstreamSampling.describe(samplingOf.apply(items.get(0)).params());
        ProgressBar progress = new ProgressBar(err, System.console() != null);

        boolean needsKafka = arms.contains(ArmName.STREAM);
        err.println("eval: " + items.size() + " questions, arms " + labels(arms) + "; upstream " + sampling
                + ", aligner greedy; " + (needsKafka ? AlignmentSession.plan(resolved, Application.STARTED_HERE)
                : "loading the models") + " ...");
        err.flush();
        List<ArmResults> results;
        String kafka;
        try (AlignmentSession session = needsKafka ? AlignmentSession.open(resolved, Application.STARTED_HERE,
                Duration.ofSeconds(answerTimeoutSeconds)) : null;
             LoadedModels loaded = needsKafka ? null : LoadedModels.open(resolved)) {
            // the in-process arms share the application's engines: the models are loaded once
            AlignmentModels models = needsKafka ? session.stack().orElseThrow().application().models() : loaded.models();
            kafka = needsKafka ? session.describeKafka() + ", " + resolved.processingGuarantee().configValue() : "not used";
            EvalArms evalArms = new EvalArms(models, Optional.ofNullable(session).map(AlignmentSession::client),
                    resolved.topology().limits(), maxRounds, maxTokens);
            results = new Evaluation(evalArms.build(arms), new ArmRunner(concurrency, samplingOf), warmup, progress).run(items);
        }

        Optional<JudgeResults> judged = judgeUrl == null ? Optional.empty() : Optional.of(judge(items, results, progress));
        EvalSettings settings = new EvalSettings(commandLine(), dataset.toString(), arms, concurrency, seed, maxRounds,
                maxTokens, warmup, kafka, resolved.upstream().describe(), resolved.aligner().describe(),
                sampling + " (generation_config.json)");
        EvalReport report = new EvalReport(settings, items, data.skipped(), results, judged);

        out.println();
        out.print(ResultTable.of(report.metrics()).toText());
        judged.ifPresent(judge -> printWinRates(out, judge));
        report.results().stream().flatMap(result -> firstErrors(result).stream()).forEach(out::println);
        if (reportDir != null) {
            out.println("report: " + String.join(", ", writeReport(report).stream().map(Path::toString).toList()));
        }
        out.println(report.summaryLine());
        out.flush();
        return CommandLine.ExitCode.OK;
    }

    /** The dataset, its skipped lines reported, cut to {@code --limit}. */
    private EvalDataset readDataset(PrintWriter err) {
        EvalDataset data;
        try {
            data = EvalDataset.read(dataset);
        } catch (UncheckedIOException e) {
            throw new UserFixableException(e.getMessage() + ": " + e.getCause().getMessage(), e);
        }
        data.skipped().forEach(line -> err.println("eval: " + dataset + " line " + line.lineNumber() + " skipped: " + line.reason()));
        if (limit != null) {
            data = data.limit(limit);
        }
        if (data.items().isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no usable questions in " + dataset);
        }
        return data;
    }

    private List<Path> writeReport(EvalReport report) {
        try {
            return ReportFiles.write(report, reportDir);
        } catch (UncheckedIOException e) {
            throw new UserFixableException(e.getMessage() + ": " + e.getCause().getMessage(), e);
        }
    }

    private JudgeResults judge(List<EvalItem> items, List<ArmResults> results, ProgressBar progress)
            throws InterruptedException {
        List<JudgeItem> pairs = StreamVersusUpstream.pairs(items, results);
        Path cacheFile = judgeCacheFile != null ? judgeCacheFile
                : (reportDir != null ? reportDir.resolve(JUDGE_CACHE_FILE) : Path.of(JUDGE_CACHE_FILE));
        ChatCompletionsJudge endpoint = new ChatCompletionsJudge(judgeUrl, judgeModel,
                Optional.ofNullable(environment.get(judgeKeyVariable)), JUDGE_REQUEST_TIMEOUT, JUDGE_ATTEMPTS, JUDGE_FIRST_BACKOFF);
        PrintWriter err = spec.commandLine().getErr();
        try {
            JudgeResults judged = new StreamVersusUpstream(endpoint, judgeModel, cacheFile, concurrency).judge(pairs, cached -> {
                err.println("eval: judging " + pairs.size() + " answer pairs with " + judgeModel + "; " + cached
                        + " verdicts cached in " + cacheFile);
                progress.start("judge", pairs.size() * JudgeDimension.values().length);
            }, progress::step);
            progress.finish();
            judged.failures().forEach(failure -> err.println("eval: judge failed on " + failure));
            return judged;
        } catch (UncheckedIOException e) {
            throw new UserFixableException(e.getMessage() + ": " + e.getCause().getMessage(), e);
        }
    }

    private static void printWinRates(PrintWriter out, JudgeResults judge) {
        for (JudgeDimension dimension : JudgeDimension.values()) {
            WinRate rate = judge.winRates().get(dimension);
            out.println(String.format(Locale.ROOT, "judge %s stream vs upstream: %d wins, %d ties, %d losses, omega=%s",
                    dimension.label(), rate.wins(), rate.ties(), rate.losses(),
                    Double.isNaN(rate.omegaPercent()) ? "n/a" : String.format(Locale.ROOT, "%+.1f%%", rate.omegaPercent())));
        }
    }

    /** The first error of an arm and how many there were, so a failing arm is visible without the report. */
    private static Optional<String> firstErrors(ArmResults result) {
        List<String> errors = result.answers().stream().flatMap(answer -> answer.error().stream()).toList();
        return errors.isEmpty() ? Optional.empty() : Optional.of(result.arm().label() + ": " + errors.size()
                + " answer(s) failed, first: " + errors.get(0));
    }

    private List<ArmName> parseArms() {
        LinkedHashSet<ArmName> arms = new LinkedHashSet<>();
        for (String label : armLabels) {
            try {
                arms.add(ArmName.fromLabel(label));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "unknown arm '" + label + "'; the arms are upstream, stream, posthoc");
            }
        }
        return List.copyOf(arms);
    }

    private void validate(List<ArmName> arms) {
        require(concurrency >= 1, "--concurrency must be at least 1, was " + concurrency);
        require(maxRounds >= 1, "--max-rounds must be at least 1, was " + maxRounds);
        require(maxTokens >= 1, "--max-tokens must be at least 1, was " + maxTokens);
        require(warmup >= 0, "--warmup must not be negative, was " + warmup);
        require(answerTimeoutSeconds >= 1, "--answer-timeout must be at least 1 second, was " + answerTimeoutSeconds);
        require(limit == null || limit >= 1, "--limit must be at least 1, was " + limit);
        require((judgeUrl == null) == (judgeModel == null), "--judge-url and --judge-model go together");
        require(judgeUrl == null || (arms.contains(ArmName.UPSTREAM) && arms.contains(ArmName.STREAM)),
                "the judge compares stream and upstream answers: --arms must include both");
    }

    private void require(boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    /** How this run was started, for the report: the jar command with the arguments given. */
    private String commandLine() {
        List<String> words = new ArrayList<>(List.of("java", "-jar", "topology/target/stream-aligner.jar"));
        for (String arg : spec.commandLine().getParseResult().originalArgs()) {
            words.add(arg.isEmpty() || arg.matches(".*[\\s\"'$].*") ? "'" + arg.replace("'", "'\\''") + "'" : arg);
        }
        return String.join(" ", words);
    }

    private static String labels(List<ArmName> arms) {
        return String.join(",", arms.stream().map(ArmName::label).toList());
    }
}
