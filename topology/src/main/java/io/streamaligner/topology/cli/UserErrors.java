package io.streamaligner.topology.cli;

import io.streamaligner.topology.error.UserFixableException;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Ends a command that failed with a {@link UserFixableException} with a one-line message and exit code 1; anything
 * else is a bug and keeps its stack trace. Also picks which of picocli's complaints about the arguments to show.
 */
public final class UserErrors {

    private static final int MAX_CAUSES = 3;

    private UserErrors() {
    }

    static int handle(Exception error, CommandLine commandLine, ParseResult parseResult) throws Exception {
        if (!(error instanceof UserFixableException)) {
            throw error;
        }
        StringBuilder message = new StringBuilder(commandLine.getCommandName()).append(": ").append(error.getMessage());
        Throwable cause = error.getCause();
        for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++, cause = cause.getCause()) {
            if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
                message.append(": ").append(cause.getMessage());
            }
        }
        commandLine.getErr().println(commandLine.getColorScheme().errorText(message.toString()));
        return 1;
    }

    /**
     * picocli checks required options before it complains of unknown ones, so {@code serve --modle DIR} would only say
     * that {@code --model} is missing; an unknown option beside a missing one is most likely that one mistyped, so it
     * is reported instead, with picocli's suggestions.
     */
    static ParameterException mistypedOptionFirst(ParameterException error) {
        CommandLine failed = error.getCommandLine();
        if (error instanceof MissingParameterException && !failed.getUnmatchedArguments().isEmpty()) {
            return new UnmatchedArgumentException(failed, failed.getUnmatchedArguments());
        }
        return error;
    }
}
