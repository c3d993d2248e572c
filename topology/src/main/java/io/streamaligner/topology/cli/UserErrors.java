package io.streamaligner.topology.cli;

import io.streamaligner.topology.error.UserFixableException;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Ends a command that failed with a {@link UserFixableException} with a one-line message and exit code 1; anything
 * else is a bug and keeps its stack trace.
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
}
