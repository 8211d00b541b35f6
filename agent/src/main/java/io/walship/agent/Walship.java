package io.walship.agent;

import io.walship.agent.ca.CaCommand;
import io.walship.agent.daemon.AgentCommand;
import io.walship.agent.fetch.FetchCommand;
import io.walship.agent.fetch.PrefetchCommand;
import io.walship.agent.push.PushCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code walship} command on a PostgreSQL host. */
@Command(name = "walship", mixinStandardHelpOptions = true, versionProvider = Walship.Version.class,
        subcommands = {PushCommand.class, FetchCommand.class, AgentCommand.class, CaCommand.class,
            PrefetchCommand.class, io.walship.agent.aot.AotTrainingCommand.class},
        description = {"Archives PostgreSQL WAL over mutual TLS into a Barman-compatible store."},
        footer = {"", "Also: walship receiver --config FILE   runs the receiver on the backup host",
            "(see walship receiver --help).", "",
            "Quick start:", "  walship ca init --dir /etc/walship/ca",
            "  walship ca issue --dir /etc/walship/ca --name receiver --host backup.example.com",
            "  walship ca issue --dir /etc/walship/ca --name pg1",
            "  archive_command = 'walship push %%p %%f'",
            "  restore_command = 'walship fetch %%f %%p'"})
public final class Walship implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %5$s%6$s%n");
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

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Walship.class.getPackage().getImplementationVersion();
            return new String[] {"walship " + (version == null ? "(development build)" : version)};
        }
    }
}
