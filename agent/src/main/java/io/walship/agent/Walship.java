package io.walship.agent;

import io.walship.agent.ca.CaCommand;
import io.walship.agent.check.CheckCommand;
import io.walship.agent.daemon.AgentCommand;
import io.walship.agent.fetch.FetchCommand;
import io.walship.agent.fetch.PrefetchCommand;
import io.walship.agent.push.PushCommand;
import io.walship.agent.status.StatusCommand;
import io.walship.cli.LogFormat;
import io.walship.cli.VersionProvider;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code walship} command on a PostgreSQL host. */
@Command(name = "walship", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        subcommands = {PushCommand.class, FetchCommand.class, AgentCommand.class, CheckCommand.class,
            StatusCommand.class, CaCommand.class, PrefetchCommand.class},
        description = {"Archives PostgreSQL WAL over mutual TLS into a Barman-compatible store.", "",
            "The receiver on the backup host is a program of its own, which the same launcher starts: "
                + "walship receiver --config FILE (its help: walship receiver --help); so is the check of what it "
                + "stored: walship verify --config FILE [SERVER] (walship verify --help)."},
        footer = {"", "Quick start:", "  walship ca init --dir /etc/walship/ca",
            "  walship ca issue --dir /etc/walship/ca --name receiver --host backup.example.com",
            "  walship ca issue --dir /etc/walship/ca --name pg1",
            "  archive_command = 'walship push %%p %%f'",
            "  restore_command = 'walship fetch %%f %%p'"})
public final class Walship implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        LogFormat.install();
        CommandLine commandLine = new CommandLine(new Walship());
        commandLine.setParameterExceptionHandler((e, a) -> {
            System.err.println("walship: " + e.getMessage() + " (see walship --help)");
            return 2;
        });
        System.exit(commandLine.execute(args));
    }

    /** Without a subcommand there is nothing to do: show what there is, and fail like a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
    }
}
