package io.streamaligner.topology.cli;

import io.streamaligner.inference.http.ResponseCompletionPool;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code stream-aligner} command line, the main class of {@code topology/target/stream-aligner.jar}:
 * <pre>
 * java -jar topology/target/stream-aligner.jar --help
 * java -jar topology/target/stream-aligner.jar demo --questions 5
 * java -jar topology/target/stream-aligner.jar run --bootstrap-servers localhost:9092
 * java -jar topology/target/stream-aligner.jar ask --bootstrap-servers localhost:9092 "What is 23 + 48 - 19?"
 * echo 'Dr. Smith paid $3.50. He left.' | java -jar topology/target/stream-aligner.jar segment --json
 * java -jar topology/target/stream-aligner.jar prompt --model ./Llama-3-8B-Instruct --question "Hi?" --json
 * java -jar topology/target/stream-aligner.jar dataset --questions q.jsonl --teacher-url URL/v1 --teacher-model M --out d.jsonl
 * java -jar topology/target/stream-aligner.jar broker --port 9092
 * java -jar topology/target/stream-aligner.jar config --config app.properties -D processing.guarantee=at_least_once
 * </pre>
 *
 * <p>To add a subcommand: write a public class implementing {@code Callable<Integer>} (the exit code)
 * annotated with {@code @Command(name = ..., description = ...)} (it inherits {@code --help} and {@code --version});
 * if it talks to Kafka or loads models, give it {@code @Mixin ConfigOptions config} and call
 * {@code config.resolve()}; write to {@code spec.commandLine().getOut()} (inject {@code @Spec CommandSpec spec});
 * keep it to options and output, delegating the work to a tested object; then list the class in
 * {@code subcommands} below. Throw a {@link io.streamaligner.topology.error.UserFixableException} to end with a
 * one-line message and exit code 1.
 */
// INHERIT: every subcommand has --help and --version too
@Command(name = "stream-aligner",
        scope = CommandLine.ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = "Stream Aligner on Kafka Streams: an upstream LLM writes, a small aligner corrects it sentence by sentence.",
        subcommands = {
                DemoCommand.class,
                RunCommand.class,
                AskCommand.class,
                EvalCommand.class,
                DatasetCommand.class,
                SegmentCommand.class,
                PromptCommand.class,
                BrokerCommand.class,
                ServeCommand.class,
                ConfigCommand.class,
                CommandLine.HelpCommand.class})
public final class StreamAlignerCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        ResponseCompletionPool.preferCommonPool(); // first: the common pool reads its size once
        System.exit(newCommandLine().execute(args));
    }

    /** The command line as {@code main} runs it: UTF-8 output whatever the locale, user errors as one line. */
    public static CommandLine newCommandLine() {
        CommandLine commandLine = new CommandLine(new StreamAlignerCommand())
                .setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true))
                .setErr(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true))
                .setExecutionExceptionHandler(UserErrors::handle);
        CommandLine.IParameterExceptionHandler usage = commandLine.getParameterExceptionHandler();
        return commandLine.setParameterExceptionHandler(
                (error, args) -> usage.handleParseException(UserErrors.mistypedOptionFirst(error), args));
    }

    /** Without a subcommand there is nothing to do: show what there is. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }
}
