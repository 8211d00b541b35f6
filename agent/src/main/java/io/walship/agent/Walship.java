package io.walship.agent;

import io.walship.agent.aot.AotCacheCommand;
import io.walship.agent.ca.CaCommand;
import io.walship.agent.check.CheckCommand;
import io.walship.agent.daemon.AgentCommand;
import io.walship.agent.fetch.FetchCommand;
import io.walship.agent.fetch.PrefetchCommand;
import io.walship.agent.push.PushCommand;
import io.walship.agent.status.StatusCommand;
import io.walship.cli.CommandErrors;
import io.walship.cli.LogFormat;
import io.walship.cli.VersionProvider;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** The {@code walship} command on a PostgreSQL host. */
@Command(name = "walship", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        subcommands = {PushCommand.class, FetchCommand.class, AgentCommand.class, CheckCommand.class,
            StatusCommand.class, CaCommand.class, PrefetchCommand.class, AotCacheCommand.class, HelpCommand.class},
        description = "Archives PostgreSQL WAL over mutual TLS into a Barman-compatible store.",
        // Commands on lines of their own, each shorter than the help's 80 columns: wrapped, they would not paste.
        footer = {"", "Help on a command: walship help COMMAND, or walship COMMAND --help.", "",
            "On the backup host, the same launcher runs the receiver's commands:",
            "  walship receiver --config FILE          (walship help receiver)",
            "  walship receiver-status --config FILE   (walship help receiver-status)",
            "  walship verify --config FILE [SERVER]   (walship help verify)", "",
            "Quick start:",
            "  walship ca init --dir /etc/walship/ca",
            "  walship ca issue --dir /etc/walship/ca --name receiver \\",
            "      --host backup.example.com",
            "  walship ca issue --dir /etc/walship/ca --name pg1",
            "  archive_command = 'walship push %%p %%f'",
            "  restore_command = 'walship fetch %%f %%p'"})
public final class Walship implements Callable<Integer> {

    /** A mistake on the command line; 1 stays what push and fetch exit with on an unexpected failure. */
    static final int USAGE = 2;
    static final int FAILURE = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        LogFormat.install();
        System.exit(commandLine().execute(args));
    }

    /** The command line that main runs. */
    static CommandLine commandLine() {
        return CommandErrors.install(new CommandLine(new Walship()), USAGE, FAILURE);
    }

    /** Without a subcommand there is nothing to do: show what there is, and fail like a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return USAGE;
    }
}
