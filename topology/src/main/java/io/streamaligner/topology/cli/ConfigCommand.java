package io.streamaligner.topology.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code config}: shows the configuration the other commands would run with, after all layers are merged. */
@Command(name = "config",
        description = "Prints the resolved configuration (file < STREAM_ALIGNER_* environment < flags), one key=value a line, secrets hidden.")
public final class ConfigCommand implements Callable<Integer> {

    @Mixin
    private ConfigOptions config;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        config.resolve().describe().forEach((key, value) -> out.println(key + "=" + value));
        out.flush();
        return CommandLine.ExitCode.OK;
    }
}
