package io.streamaligner.topology.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.dataset.DatasetRecord;
import io.streamaligner.topology.config.StreamAlignerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code dataset} command's options and the errors it ends with before it starts any Kafka. */
class DatasetCommandTest {

    private static final String QUESTION_1 = "What is 1 + 2 + 3?";
    private static final String QUESTION_2 = "What is 4 + 5 - 6?";

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    @Test
    void shouldBeListedAmongTheSubcommandsAndDescribeItsOptions() {
        CommandLine commandLine = StreamAlignerCommand.newCommandLine().setOut(new PrintWriter(out));

        assertThat(commandLine.execute("--help")).isZero();
        assertThat(out.toString()).contains("dataset");
        assertThat(commandLine.execute("dataset", "--help")).isZero();
        assertThat(out.toString()).contains("--questions=FILE", "--teacher-url=URL", "--teacher-model=NAME", "--out=FILE",
                "--limit=N", "--concurrency=C", "--teacher-key-file=FILE", "--bootstrap-servers",
                DatasetCommand.DEFAULT_KEY_VARIABLE, "FILE.rejects.jsonl");
    }

    @Test
    void shouldRefuseAWrongFlagOrAMissingOneWithTheUsage() throws IOException {
        assertThat(run(Map.of(), required("http://127.0.0.1:1/v1", "--teacher-modle", "x"))).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("Unknown options: '--teacher-modle'").contains("Possible solutions: ").contains("--teacher-model");
        assertThat(run(Map.of(), "--questions", questions().toString())).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("Missing required options").contains("--teacher-url").contains("--out");
    }

    @Test
    void shouldRefuseBadValuesBeforeDoingAnything() throws IOException {
        assertThat(run(Map.of(), required("http://127.0.0.1:1/v1", "--concurrency", "0"))).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--concurrency must be at least 1, was 0");
        assertThat(run(Map.of(), required("ftp://teacher/v1"))).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--teacher-url: baseUrl must be an http or https URL");
        assertThat(run(Map.of(), required("http://127.0.0.1:1/v1", "--teacher-server", "gpt"))).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--teacher-server:").contains("vllm");
        assertThat(run(Map.of(), required("http://127.0.0.1:1/v1", "--teacher-key-env", "K", "--teacher-key-file", "k.txt")))
                .isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("give --teacher-key-env or --teacher-key-file, not both");
        assertThat(dir.resolve("d.jsonl")).as("nothing written").doesNotExist();
    }

    @Test
    void shouldEndWithOneLineWhenTheTeacherCannotBeReachedAndNeverShowItsKey() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort + "/v1";

        int exitCode = run(Map.of(DatasetCommand.DEFAULT_KEY_VARIABLE, "sk-very-secret"), required(url));

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString()).contains("dataset: cannot use the teacher: cannot reach the generic server at " + url)
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(out.toString() + err.toString()).doesNotContain("sk-very-secret");
    }

    @Test
    void shouldSayWhyTheKeyCannotBeRead() throws IOException {
        assertThat(run(Map.of(), required("http://127.0.0.1:1/v1", "--teacher-key-file", dir.resolve("absent.key").toString())))
                .isEqualTo(1);
        assertThat(err.toString()).contains("dataset: the teacher's key: API key file " + dir.resolve("absent.key") + " does not exist");
        assertThat(run(Map.of(), required("http://127.0.0.1:1/v1", "--teacher-key-env", "MY_TEACHER_KEY"))).isEqualTo(1);
        assertThat(err.toString()).contains("the API key environment variable MY_TEACHER_KEY is not set");
    }

    @Test
    void shouldAskNothingAndStartNothingWhenEveryQuestionIsDone() throws IOException {
        Files.write(dir.resolve("d.jsonl"), List.of(
                new DatasetRecord(QUESTION_1, "", "First, 1 + 2 = 3.", "First, 1 + 2 = 3.", false).toJson(),
                new DatasetRecord(QUESTION_2, "", "First, 4 + 5 = 9.", "First, 4 + 5 = 9.", false).toJson()));

        // the teacher's URL is never reached: there is nothing to ask
        int exitCode = run(Map.of(), required("http://127.0.0.1:1/v1"));

        assertThat(exitCode).as(err.toString()).isZero();
        assertThat(err.toString()).contains("dataset: 2 questions, 2 done by earlier runs (2 lines in " + dir.resolve("d.jsonl"));
        assertThat(out.toString()).startsWith("questions: 0 asked (2 done by earlier runs): 0 written, 0 rejected, 0 failed");
    }

    @Test
    void shouldEndWithOneLineForAMissingQuestionsFile() {
        Path absent = dir.resolve("absent.jsonl");

        int exitCode = run(Map.of(), "--questions", absent.toString(), "--teacher-url", "http://127.0.0.1:1/v1",
                "--teacher-model", "t", "--out", dir.resolve("d.jsonl").toString());

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("dataset: cannot read the questions " + absent + ": no such file");
        assertThat(dir.resolve("d.jsonl")).doesNotExist();
    }

    @Test
    void shouldReportBadQuestionLinesAndRefuseAFileWithNone() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"question\": \"\"}\nnot json\n");

        int exitCode = run(Map.of(), "--questions", bad.toString(), "--teacher-url", "http://127.0.0.1:1/v1",
                "--teacher-model", "t", "--out", dir.resolve("d.jsonl").toString());

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("line 1 skipped: \"question\" must be a non-blank string")
                .contains("line 2 skipped: not valid JSON").contains("no usable questions in " + bad);
    }

    @Test
    void shouldRefuseToResumeADatasetWithALineThatIsNotARecord() throws IOException {
        Files.writeString(dir.resolve("d.jsonl"), "{\"prompt\": \"p\", \"completion\": \"c\"}\n");

        assertThat(run(Map.of(), required("http://127.0.0.1:1/v1"))).isEqualTo(1);
        assertThat(err.toString()).contains("line 1 is not a dataset record (\"question\" must be a string); fix or remove it,"
                + " or write to another --out");
    }

    @Test
    void shouldRunAsItsOwnApplicationUnlessTheConfigurationNamesOne() {
        DatasetCommand own = new DatasetCommand(Map.of());
        new CommandLine(own).parseArgs(required("http://127.0.0.1:1/v1"));
        DatasetCommand configured = new DatasetCommand(Map.of("STREAM_ALIGNER_TOPIC_PREFIX", "teach."));
        new CommandLine(configured).parseArgs(required("http://127.0.0.1:1/v1", "-D", "application.id=my-teacher-run"));

        StreamAlignerConfig ownConfig = own.resolveConfig();
        StreamAlignerConfig configuredConfig = configured.resolveConfig();

        assertThat(ownConfig.applicationId()).isEqualTo("stream-aligner-dataset");
        assertThat(ownConfig.topicNames().prompts().name()).isEqualTo("dataset.prompts");
        assertThat(configuredConfig.applicationId()).isEqualTo("my-teacher-run");
        assertThat(configuredConfig.topicNames().prompts().name()).isEqualTo("teach.prompts");
    }

    private int run(Map<String, String> environment, String... args) {
        return new CommandLine(new DatasetCommand(environment)).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .setExecutionExceptionHandler(UserErrors::handle).execute(args);
    }

    private String[] required(String teacherUrl, String... more) {
        List<String> args = new ArrayList<>(List.of("--questions", questionsPath().toString(), "--teacher-url", teacherUrl,
                "--teacher-model", "t", "--out", dir.resolve("d.jsonl").toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private Path questionsPath() {
        try {
            return questions();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path questions() throws IOException {
        Path file = dir.resolve("questions.jsonl");
        if (!Files.exists(file)) {
            Files.write(file, List.of("{\"question\": \"" + QUESTION_1 + "\"}", "{\"question\": \"" + QUESTION_2 + "\"}"));
        }
        return file;
    }
}
