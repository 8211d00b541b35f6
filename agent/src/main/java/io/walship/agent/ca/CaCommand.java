package io.walship.agent.ca;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** {@code walship ca}: groups the commands that create the CA and issue certificates. */
@Command(name = "ca",
        description = {
                "Manage walship's private certificate authority.",
                "The receiver and every agent authenticate each other with certificates signed by this CA "
                        + "(mutual TLS). Keep ca.key on a trusted machine; distribute ca.crt, and each NAME.crt "
                        + "with its NAME.key, only to the host that uses them."},
        subcommands = {CaInitCommand.class, CaIssueCommand.class, HelpCommand.class},
        mixinStandardHelpOptions = true,
        footerHeading = "%nExample:%n",
        footer = {
                "  walship ca init  --dir /etc/walship/ca",
                "  walship ca issue --dir /etc/walship/ca --name receiver \\",
                "      --host backup.example.com --host 192.0.2.10",
                "  walship ca issue --dir /etc/walship/ca --name pg1"})
public final class CaCommand {
}
