package io.walship.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How a walship command reports a mistake on its command line, or a failure nothing else caught: one line on
 * stderr, never a stack trace, and for a mistake the command's own help to turn to
 * ({@code walship push: Missing required parameter: 'NAME' (see walship push --help)}).
 */
public final class CommandErrors implements IParameterExceptionHandler, IExecutionExceptionHandler {

    private final int usageExitCode;
    private final int failureExitCode;

    private CommandErrors(int usageExitCode, int failureExitCode) {
        this.usageExitCode = usageExitCode;
        this.failureExitCode = failureExitCode;
    }

    /** {@code commandLine}, reporting through this class with these exit codes. */
    public static CommandLine install(CommandLine commandLine, int usageExitCode, int failureExitCode) {
        CommandErrors errors = new CommandErrors(usageExitCode, failureExitCode);
        return commandLine.setParameterExceptionHandler(errors).setExecutionExceptionHandler(errors);
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        String name = command.getCommandSpec().qualifiedName();
        StringBuilder line = new StringBuilder(name).append(": ").append(oneLine(e.getMessage()));
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            line.append("; did you mean ").append(String.join(" or ", unmatched.getSuggestions())).append('?');
        }
        command.getErr().println(line.append(" (see ").append(name).append(" --help)"));
        return own(command.getCommandSpec().exitCodeOnInvalidInput(), CommandLine.ExitCode.USAGE, usageExitCode);
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
        command.getErr().println(command.getCommandSpec().qualifiedName() + ": unexpected failure: " + oneLine(
                e.getMessage() == null ? e.toString() : e.getClass().getName() + ": " + e.getMessage()));
        return own(command.getCommandSpec().exitCodeOnExecutionException(), CommandLine.ExitCode.SOFTWARE,
                failureExitCode);
    }

    /**
     * A command that sets its own code in {@code @Command} keeps it: for restore_command any code up to 125 means
     * "not in the archive" and ends recovery, so fetch answers a mistake or a failure with one above.
     */
    private static int own(int declared, int picocliDefault, int fallback) {
        return declared != picocliDefault ? declared : fallback;
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
