package io.streamaligner.topology.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvalCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldBeListedAmongTheSubcommands() {
        CommandLine commandLine = StreamAlignerCommand.newCommandLine().setOut(new PrintWriter(out));

        assertThat(commandLine.execute("--help")).isZero();
        assertThat(out.toString()).contains("eval");
    }

    @Test
    void shouldRefuseAJudgeUrlWithoutAJudgeModel(@TempDir Path dir) throws IOException {
        int exitCode = run("--dataset", dataset(dir).toString(), "--judge-url", "http://127.0.0.1:1/v1");

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--judge-url and --judge-model go together");
    }

    @Test
    void shouldRefuseAJudgeWithoutBothComparedArms(@TempDir Path dir) throws IOException {
        int exitCode = run("--dataset", dataset(dir).toString(), "--arms", "stream,posthoc",
                "--judge-url", "http://127.0.0.1:1/v1", "--judge-model", "m");

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--arms must include both");
    }

    @Test
    void shouldRefuseAnUnknownArm(@TempDir Path dir) throws IOException {
        int exitCode = run("--dataset", dataset(dir).toString(), "--arms", "upstream,sideways");

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("unknown arm 'sideways'");
    }

    @Test
    void shouldReportEveryBadLineAndStopWhenNoQuestionIsLeft(@TempDir Path dir) throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"answer\": 3}\nnot json\n");

        int exitCode = run("--dataset", bad.toString());

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("line 1 skipped: \"question\" must be a non-blank string")
                .contains("line 2 skipped: not valid JSON")
                .contains("no usable questions in " + bad);
    }

    @Test
    void shouldEndWithOneLineForAMissingDataset(@TempDir Path dir) {
        CommandLine commandLine = StreamAlignerCommand.newCommandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));

        int exitCode = commandLine.execute("eval", "--dataset", dir.resolve("absent.jsonl").toString());

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString().strip().lines()).hasSize(1).first().asString().contains("eval: cannot read dataset");
    }

    private int run(String... args) {
        return new CommandLine(new EvalCommand(Map.of())).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    private static Path dataset(Path dir) throws IOException {
        return Files.writeString(dir.resolve("d.jsonl"), "{\"question\": \"What is 1 + 2 + 3?\", \"answer\": 6}\n");
    }
}
