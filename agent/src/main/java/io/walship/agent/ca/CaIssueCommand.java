package io.walship.agent.ca;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code walship ca issue}: issues a receiver (server) or agent (client) certificate. */
@Command(name = "issue",
        description = {
                "Issue a certificate signed by the CA in DIR.",
                "Writes DIR/NAME.crt and DIR/NAME.key (mode 0600). With --host it is a receiver (TLS server) certificate valid for those names and addresses; "
                        + "without, an agent (TLS client) certificate whose CN=NAME is what the receiver's "
                        + "'clients =' setting lists. EC P-256, valid for 825 days. Existing files are never "
                        + "overwritten."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  walship ca issue --dir /etc/walship/ca --name receiver \\",
                "      --host backup.example.com --host 192.0.2.10",
                "  walship ca issue --dir /etc/walship/ca --name pg1"})
public final class CaIssueCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Option(names = "--dir", required = true, paramLabel = "DIR",
            description = "Directory holding ca.crt and ca.key (from 'walship ca init'); the new files go there too.")
    private Path dir;

    @Option(names = "--name", required = true, paramLabel = "NAME",
            description = "Certificate name, used as its CN and for the files NAME.crt and NAME.key: "
                    + "1-64 characters from A-Z a-z 0-9 . _ - starting with a letter or digit.")
    private String name;

    @Option(names = "--host", paramLabel = "HOST", split = ",",
            description = "DNS name or IP address the receiver is reached at; repeat (or separate with commas) "
                    + "for several. Makes this a server certificate. Names are not resolved.")
    private List<String> hosts = new ArrayList<>();

    @Override
    public Integer call() {
        try {
            CredentialFiles files = new CertificateAuthority().issue(dir.toAbsolutePath().normalize(), name, hosts);
            String kind = hosts.isEmpty()
                    ? "client certificate CN=" + name
                    : "server certificate CN=" + name + " for " + String.join(", ", hosts);
            spec.commandLine().getOut().println(CaMessages.PREFIX + "wrote " + files.certificate() + " and "
                    + files.privateKey() + " (" + kind + ")");
            return 0;
        } catch (Exception e) {
            spec.commandLine().getErr().println(CaMessages.failure(e));
            return 2;
        }
    }
}
