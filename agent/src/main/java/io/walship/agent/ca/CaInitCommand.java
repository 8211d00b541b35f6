package io.walship.agent.ca;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code walship ca init}: creates a new CA. */
@Command(name = "init",
        description = {
                "Create a new certificate authority: DIR/ca.crt (the CA certificate, give it to the receiver and "
                        + "every agent as ca_file) and DIR/ca.key (its private key, mode 0600, never leaves DIR).",
                "EC P-256, valid for 10 years. Existing files are never overwritten."},
        footerHeading = "%nExample:%n",
        footer = "  walship ca init --dir /etc/walship/ca")
public final class CaInitCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Option(names = "--dir", required = true, paramLabel = "DIR",
            description = "Directory for ca.crt and ca.key; created (mode 0700) if it does not exist.")
    private Path dir;

    @Override
    public Integer call() {
        try {
            CredentialFiles files = new CertificateAuthority().init(dir.toAbsolutePath().normalize());
            spec.commandLine().getOut().println(
                    CaMessages.PREFIX + "wrote " + files.certificate() + " and " + files.privateKey());
            return 0;
        } catch (Exception e) {
            spec.commandLine().getErr().println(CaMessages.failure(e));
            return 2;
        }
    }
}
