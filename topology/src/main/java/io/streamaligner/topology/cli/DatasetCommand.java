package io.streamaligner.topology.cli;

import io.streamaligner.client.AlignmentRequests;
import io.streamaligner.dataset.DatasetFile;
import io.streamaligner.dataset.DatasetFileException;
import io.streamaligner.dataset.DatasetPlan;
import io.streamaligner.dataset.DatasetRun;
import io.streamaligner.dataset.DatasetSummary;
import io.streamaligner.dataset.QuestionRequests;
import io.streamaligner.dataset.RejectsFile;
import io.streamaligner.dataset.teacher.TeacherAligner;
import io.streamaligner.dataset.teacher.TeacherPrompt;
import io.streamaligner.eval.EvalDataset;
import io.streamaligner.eval.EvalItem;
import io.streamaligner.eval.ProgressBar;
import io.streamaligner.inference.InferenceException;
import io.streamaligner.inference.http.ApiKey;
import io.streamaligner.inference.http.HttpModelSettings;
import io.streamaligner.inference.http.HttpTextGenerator;
import io.streamaligner.inference.http.ServerKind;
import io.streamaligner.schemas.GenerationParams;
import io.streamaligner.topology.app.AlignmentSession;
import io.streamaligner.topology.app.AlignmentSession.Application;
import io.streamaligner.topology.app.LoadedModels;
import io.streamaligner.topology.config.StreamAlignerConfig;
import io.streamaligner.topology.error.UserFixableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dataset}: residual-correction training data for an aligner, written by the loop with a strong teacher model in
 * the aligner's place, as the paper builds it.
 * <pre>
 * java -jar topology/target/stream-aligner.jar dataset --questions questions.jsonl \
 *     --teacher-url https://api.example.com/v1 --teacher-model big-model --out tuples.jsonl
 * </pre>
 * Starts the application (on the embedded default or {@code --bootstrap-servers}) with the configured upstream and
 * {@link TeacherAligner} as its aligner: the upstream writes each answer sentence by sentence, the teacher corrects each
 * sentence given the question and the corrected prefix and says whether the answer is complete, and the corrected
 * sentence conditions the upstream's next step. Each question's records go to {@code --out} once its answer is done
 * ({@link DatasetRun}); a question the teacher cannot annotate goes to {@code FILE.rejects.jsonl}. A second run with
 * the same {@code --out} asks only the questions not yet written or rejected; Ctrl-C stops a run cleanly, after it has
 * written the answers that have come, and it exits 1 while questions are left to ask. Unless configured otherwise it runs as
 * its own application ({@value #APPLICATION_ID}, topics prefixed {@value #TOPIC_PREFIX}), so that on a shared cluster
 * it never answers another application's prompts, nor another application its own.
 */
@Command(name = "dataset",
        description = {"Writes aligner training data: the loop runs with a teacher model (an OpenAI-compatible chat "
                + "endpoint) in the aligner's place, and every corrected sentence becomes one JSONL line "
                + "{\"question\", \"prefix\", \"last\", \"correction\", \"eos\"} (the format training/to_prompt_completion.py reads).",
                "Questions come one per line as {\"question\": ...}. A second run with the same --out skips the questions "
                        + "already written or rejected; unreadable teacher answers (asked twice) go to FILE.rejects.jsonl.",
                "The teacher's API key: the environment variable " + DatasetCommand.DEFAULT_KEY_VARIABLE
                        + " (or --teacher-key-env), or --teacher-key-file."})
public final class DatasetCommand implements Callable<Integer> {

    /** The environment variable holding the teacher's API key unless {@code --teacher-key-env} names another. */
    public static final String DEFAULT_KEY_VARIABLE = "STREAM_ALIGNER_TEACHER_API_KEY";
    /** The application id the run takes when the configuration sets none. */
    static final String APPLICATION_ID = "stream-aligner-dataset";
    /** The topic prefix the run takes when the configuration sets none. */
    static final String TOPIC_PREFIX = "dataset.";

    @Mixin
    private ConfigOptions config;

    @Option(names = "--questions", paramLabel = "FILE", required = true,
            description = "JSONL questions, {\"question\": \"...\"} per line (other fields are ignored); bad lines are reported and skipped.")
    private Path questions;

    @Option(names = "--teacher-url", paramLabel = "URL", required = true,
            description = "The teacher's OpenAI-compatible API root, e.g. https://api.openai.com/v1 or http://gpu-host:8000/v1.")
    private String teacherUrl;

    @Option(names = "--teacher-model", paramLabel = "NAME", required = true,
            description = "The teacher model's name on that server (checked against its /models).")
    private String teacherModel;

    @Option(names = "--out", paramLabel = "FILE", required = true,
            description = "The dataset (JSONL); created, or resumed when it exists. Rejects go beside it, to FILE.rejects.jsonl.")
    private Path outFile;

    @Option(names = "--limit", paramLabel = "N", description = "Take the questions file's first N questions only.")
    private Integer limit;

    @Option(names = "--concurrency", paramLabel = "C", defaultValue = "8",
            description = "Questions in flight at most (default: ${DEFAULT-VALUE}).")
    private int concurrency;

    @Option(names = "--teacher-server", paramLabel = "KIND", defaultValue = "generic",
            description = "Which server the teacher runs on, for the request fields: vllm, sglang, llamacpp, tgi, ollama, "
                    + "openai or generic (default: ${DEFAULT-VALUE}: the standard fields only).")
    private String teacherServer;

    @Option(names = "--teacher-key-env", paramLabel = "VAR",
            description = "Environment variable holding the teacher's API key (default: " + DEFAULT_KEY_VARIABLE + ", if set).")
    private String teacherKeyVariable;

    @Option(names = "--teacher-key-file", paramLabel = "FILE", description = "A file holding the teacher's API key.")
    private Path teacherKeyFile;

    @Option(names = "--teacher-max-tokens", paramLabel = "N", defaultValue = "512",
            description = "Tokens one teacher answer may take at most (default: ${DEFAULT-VALUE}).")
    private int teacherMaxTokens;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Run seed; each question's upstream seed derives from it and the question's line (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--max-rounds", paramLabel = "N", defaultValue = "16",
            description = "Sentences per answer at most, as in the paper (default: ${DEFAULT-VALUE}).")
    private int maxRounds;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "1024",
            description = "Upstream tokens per answer at most (default: ${DEFAULT-VALUE}).")
    private int maxTokens;

    @Option(names = "--answer-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "How long one question's whole answer may take (default: ${DEFAULT-VALUE}).")
    private long answerTimeoutSeconds;

    @Spec
    private CommandSpec spec;

    private final Map<String, String> environment;

    public DatasetCommand() {
        this(System.getenv());
    }

    /** With {@code environment} in place of the process's, for the teacher's key and the configuration. */
    DatasetCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public Integer call() throws InterruptedException {
        // Ctrl-C / SIGTERM: the run stops asking, writes the answers that have come, and the loop closes (its broker's
        // temporary data deleted) before the JVM goes; a second run asks the rest
        try (StopSignal stop = StopSignal.install()) {
            return build(stop.requested()::isDone);
        }
    }

    /** Reads, plans and runs; {@code stop} says when Ctrl-C asked it to stop. */
    private int build(BooleanSupplier stop) throws InterruptedException {
        validate();
        HttpModelSettings teacherEndpoint = teacherSettings();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StreamAlignerConfig resolved = resolveConfig();
        List<EvalItem> items = readQuestions(err);

        DatasetSummary summary;
        try (DatasetFile dataset = DatasetFile.open(outFile);
             RejectsFile rejects = RejectsFile.open(RejectsFile.besides(outFile))) {
            dataset.repair().ifPresent(repair -> err.println("dataset: " + repair));
            rejects.repair().ifPresent(repair -> err.println("dataset: " + repair));
            Set<String> done = new HashSet<>(dataset.questions());
            done.addAll(rejects.questions());
            DatasetPlan plan = DatasetPlan.of(items, done);
            plan.repeated().forEach(item -> err.println("dataset: " + questions + " line " + item.lineNumber()
                    + " skipped: the same question as an earlier line"));
            err.println("dataset: " + items.size() + " questions, " + plan.doneBefore() + " done by earlier runs ("
                    + dataset.records() + " lines in " + outFile + ", " + rejects.questions().size() + " rejected), "
                    + plan.todo().size() + " to ask");
            err.flush();
            summary = plan.todo().isEmpty() ? DatasetSummary.nothingAsked(plan.doneBefore())
                    : runLoop(plan, dataset, rejects, resolved, teacherEndpoint, err, stop);
        } catch (DatasetFileException e) {
            throw new UserFixableException(e.getMessage(), e);
        }
        summary.lines().forEach(out::println);
        out.flush();
        return summary.incomplete() ? 1 : CommandLine.ExitCode.OK;
    }

    /** Starts the loop with the teacher as its aligner and asks the plan's questions. */
    private DatasetSummary runLoop(DatasetPlan plan, DatasetFile dataset, RejectsFile rejects, StreamAlignerConfig resolved,
                                   HttpModelSettings teacherEndpoint, PrintWriter err, BooleanSupplier stop)
            throws InterruptedException {
        GenerationParams sampling = UpstreamSampling.recommended(resolved, seed, err);
        err.println("dataset: upstream " + resolved.upstream().describe() + " (" + UpstreamSampling.describe(sampling)
                + "), teacher " + teacherModel + " at " + teacherUrl + "; "
                + AlignmentSession.plan(resolved, Application.STARTED_HERE) + " ...");
        err.flush();
        ProgressBar progress = new ProgressBar(err, System.console() != null);
        TeacherPrompt prompt = new TeacherPrompt();
        TeacherAligner teacher = new TeacherAligner(openTeacher(teacherEndpoint), prompt, teacherMaxTokens);
        // from here the loaded models own the teacher: they close it, also when the upstream cannot be opened
        try (LoadedModels loaded = LoadedModels.open(resolved, teacher, prompt);
             AlignmentSession session = AlignmentSession.open(resolved, loaded.models(),
                     Duration.ofSeconds(answerTimeoutSeconds))) {
            QuestionRequests requests = new QuestionRequests(sampling, seed, maxRounds, maxTokens,
                    resolved.topology().limits());
            DatasetRun run = new DatasetRun(session.client()::submit, teacher, prompt, requests, concurrency);
            return run.run(plan, dataset, rejects, "dataset-" + AlignmentRequests.newRequestId(), progress,
                    note -> err.println("dataset: " + questions + " " + note), stop);
        }
    }

    /** Where the teacher is served and how to talk to it, from the flags. */
    private HttpModelSettings teacherSettings() {
        ServerKind kind;
        try {
            kind = ServerKind.fromConfigValue(teacherServer);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--teacher-server: " + e.getMessage());
        }
        HttpModelSettings settings;
        try {
            settings = HttpModelSettings.defaults(URI.create(teacherUrl)).withServer(kind).withServedModel(teacherModel);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--teacher-url: " + e.getMessage());
        }
        return settings.withApiKey(teacherKey());
    }

    /** The teacher's server, checked: it answers, takes the key and serves the model. */
    private HttpTextGenerator openTeacher(HttpModelSettings settings) {
        try {
            return HttpTextGenerator.open(settings);
        } catch (InferenceException e) {
            throw new UserFixableException("cannot use the teacher: " + e.getMessage(), e);
        }
    }

    private ApiKey teacherKey() {
        try {
            if (teacherKeyFile != null) {
                return ApiKey.fromFile(teacherKeyFile);
            }
            if (teacherKeyVariable != null) {
                return ApiKey.fromEnvironment(teacherKeyVariable, environment);
            }
            String fromDefault = environment.get(DEFAULT_KEY_VARIABLE);
            return fromDefault == null || fromDefault.isBlank() ? ApiKey.NONE
                    : ApiKey.fromEnvironment(DEFAULT_KEY_VARIABLE, environment);
        } catch (IllegalArgumentException e) {
            throw new UserFixableException("the teacher's key: " + e.getMessage(), e);
        }
    }

    /**
     * The configuration, with this command's own application id and topic prefix where none is configured: a run on
     * a shared cluster must not join the group of an application running another aligner.
     */
    StreamAlignerConfig resolveConfig() {
        StreamAlignerConfig resolved = config.resolve(environment);
        Map<String, String> own = new LinkedHashMap<>();
        if (resolved.applicationId().equals(StreamAlignerConfig.DEFAULT_APPLICATION_ID)) {
            own.put(StreamAlignerConfig.APPLICATION_ID, APPLICATION_ID);
        }
        if (resolved.topics().prefix().isEmpty()) {
            own.put(StreamAlignerConfig.TOPIC_PREFIX, TOPIC_PREFIX);
        }
        return own.isEmpty() ? resolved : config.resolve(environment, own);
    }

    /** The questions, their skipped lines reported, cut to {@code --limit}. */
    private List<EvalItem> readQuestions(PrintWriter err) {
        EvalDataset data;
        try {
            data = EvalDataset.read(questions);
        } catch (UncheckedIOException e) {
            IOException cause = e.getCause();
            throw new UserFixableException("cannot read the questions " + questions + ": "
                    + (cause instanceof NoSuchFileException ? "no such file" : cause.getMessage()), cause);
        }
        data.skipped().forEach(line -> err.println("dataset: " + questions + " line " + line.lineNumber() + " skipped: "
                + line.reason()));
        if (limit != null) {
            data = data.limit(limit);
        }
        if (data.items().isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no usable questions in " + questions);
        }
        return data.items();
    }

    private void validate() {
        require(concurrency >= 1, "--concurrency must be at least 1, was " + concurrency);
        require(limit == null || limit >= 1, "--limit must be at least 1, was " + limit);
        require(teacherMaxTokens >= 1, "--teacher-max-tokens must be at least 1, was " + teacherMaxTokens);
        require(maxRounds >= 1, "--max-rounds must be at least 1, was " + maxRounds);
        require(maxTokens >= 1, "--max-tokens must be at least 1, was " + maxTokens);
        require(answerTimeoutSeconds >= 1, "--answer-timeout must be at least 1 second, was " + answerTimeoutSeconds);
        require(teacherKeyVariable == null || teacherKeyFile == null, "give --teacher-key-env or --teacher-key-file, not both");
        require(!teacherModel.isBlank(), "--teacher-model must not be blank");
    }

    private void require(boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
