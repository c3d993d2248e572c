package io.streamaligner.topology.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

class StreamAlignerCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldListItsSubcommandsInTheHelp() {
        int exitCode = run(StreamAlignerCommand.newCommandLine(), "--help");

        assertThat(exitCode).isZero();
        assertThat(out.toString()).contains("Usage: stream-aligner", "demo", "run", "ask", "segment", "broker", "config");
    }

    @Test
    void shouldShowEverySubcommandsUsageAndVersion() {
        for (String command : StreamAlignerCommand.newCommandLine().getSubcommands().keySet()) {
            if (command.equals("help")) {
                continue;
            }
            out.getBuffer().setLength(0);
            assertThat(run(StreamAlignerCommand.newCommandLine(), command, "--help")).as(command + " --help").isZero();
            assertThat(out.toString()).as(command + " --help").contains("Usage: stream-aligner " + command, "--version");
            out.getBuffer().setLength(0);
            assertThat(run(StreamAlignerCommand.newCommandLine(), command, "--version")).as(command + " --version").isZero();
            assertThat(out.toString()).as(command + " --version").contains("stream-aligner");
        }
    }

    @Test
    void shouldShowUsageAndFailWithoutASubcommand() {
        int exitCode = run(StreamAlignerCommand.newCommandLine());

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("Usage: stream-aligner");
    }

    @Test
    void shouldNameAMistypedRequiredOptionRatherThanOnlyReportItMissing() {
        int exitCode = run(StreamAlignerCommand.newCommandLine(), "serve", "--modle", "models/toy-math-upstream");

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("Unknown options: '--modle'", "Possible solutions: --model")
                .doesNotContain("Missing required option");
    }

    @Test
    void shouldStillReportAMissingRequiredOptionWhenNothingWasMistyped() {
        int exitCode = run(StreamAlignerCommand.newCommandLine(), "serve", "--port", "0");

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("Missing required option: '--model=DIR'").doesNotContain("Unknown option");
    }

    @Test
    void shouldLetFlagsOverrideTheConfigurationFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("app.properties"), "bootstrap.servers=file:9092\nlinger.ms=5\n");

        int exitCode = run(StreamAlignerCommand.newCommandLine(), "config", "--config", file.toString(),
                "--bootstrap-servers", "flag:9092", "-D", "streamaligner.topic.prefix=sa.", "-Dlinger.ms=1");

        assertThat(exitCode).isZero();
        assertThat(out.toString().lines()).contains(
                "bootstrap.servers=flag:9092", "linger.ms=1", "streamaligner.topic.prefix=sa.", "processing.guarantee=exactly_once_v2");
    }

    @Test
    void shouldEndWithOneLineAndExitCodeOneOnABadSetting() {
        int exitCode = run(StreamAlignerCommand.newCommandLine(), "config", "-D", "streamaligner.nope=1");

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString().strip().lines()).hasSize(1).first().asString()
                .contains("config: unknown setting(s) [streamaligner.nope]");
    }

    @Test
    void shouldGiveAnAddedSubcommandTheSharedConfigurationOptions() {
        CommandLine commandLine = StreamAlignerCommand.newCommandLine().addSubcommand(new PrintsConfiguration());

        int exitCode = run(commandLine, "probe", "--bootstrap-servers", "flag:9092", "-D", "streamaligner.topic.partitions=7");

        assertThat(exitCode).isZero();
        assertThat(out.toString()).isEqualTo("flag:9092 7 exactly_once_v2" + System.lineSeparator());
    }

    private int run(CommandLine commandLine, String... args) {
        return commandLine.setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    /** A subcommand as the lead's run/ask will be written: the mixin, then its resolved configuration. */
    @Command(name = "probe")
    static final class PrintsConfiguration implements Callable<Integer> {

        @Mixin
        ConfigOptions config;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            var resolved = config.resolve(Map.of("STREAM_ALIGNER_TOPIC_PARTITIONS", "3"));
            spec.commandLine().getOut().println(resolved.bootstrapServers().orElseThrow() + " " + resolved.topics().partitions()
                    + " " + resolved.processingGuarantee().configValue());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
