package io.streamaligner.topology.cli;

import io.streamaligner.inference.ModelFolderException;
import io.streamaligner.topology.app.ApplicationStartException;
import io.streamaligner.topology.broker.EmbeddedBrokerException;
import io.streamaligner.topology.client.AlignmentClientException;
import io.streamaligner.topology.config.ConfigurationException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Ends a command that failed for a reason the user can fix (a bad setting, a busy port, an unreadable
 * file, a model folder that is not one, a broker that cannot be reached, an answer that did not come) with a
 * one-line message and exit code 1; anything else is a bug and keeps its stack trace.
 */
public final class UserErrors {

    private static final int MAX_CAUSES = 3;

    private UserErrors() {
    }

    /** Whether {@code error} is the user's to fix rather than a bug. */
    public static boolean isUserError(Throwable error) {
        return error instanceof ConfigurationException
                || error instanceof EmbeddedBrokerException
                || error instanceof ApplicationStartException
                || error instanceof AlignmentClientException
                || error instanceof ModelFolderException
                || error instanceof UncheckedIOException;
    }

    static int handle(Exception error, CommandLine commandLine, ParseResult parseResult) throws Exception {
        if (!isUserError(error)) {
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
