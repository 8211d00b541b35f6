package io.walship.receiver.verify;

import io.walship.cli.CommandErrors;
import io.walship.cli.LogFormat;
import io.walship.cli.VersionProvider;
import io.walship.config.ConfigException;
import io.walship.receiver.config.ArchivedServer;
import io.walship.receiver.config.BarmanServer;
import io.walship.receiver.config.CloudServer;
import io.walship.receiver.config.ReadByBarman;
import io.walship.receiver.config.ReceiverConfig;
import io.walship.receiver.config.ReceiverConfigOption;
import io.walship.receiver.store.barman.ArchiveVerification;
import io.walship.receiver.store.s3.BucketVerification;
import io.walship.receiver.store.verify.Findings.Finding;
import io.walship.receiver.store.verify.Findings.Report;
import io.walship.receiver.store.verify.Findings.Severity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code walship verify}: the archive at rest, checked on the backup host, for cron and Nagios. */
@Command(name = "walship verify", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Checks what the receiver stored, on the backup host.", "",
            "Reads every stored WAL file of each server (or of SERVER): it must decode, pass the checks an upload "
                + "passes, match the checksum recorded when it was stored and be listed in xlog.db with its size; "
                + "every xlog.db line must have its file, and each timeline's segments must follow one another "
                + "without a gap. A server with storage = s3 is read from its bucket: every object under its "
                + "wals/, against the checksum in its metadata; a bucket has no xlog.db. Prints one line per "
                + "problem, then one line per server.", "",
            "Exit status (Nagios): 0 all sound; 1 a warning only (a stored file not indexed yet, which the receiver "
                + "indexes when it starts); 2 damage, a missing file or a gap; 3 the check could not run."},
        footer = {"", "Examples:", "  walship verify --config /etc/walship/receiver.conf",
            "  walship verify --config /etc/walship/receiver.conf --nagios pg"})
public final class VerifyCommand implements Callable<Integer> {

    static final int OK = 0;
    static final int WARNING = 1;
    static final int CRITICAL = 2;
    static final int UNKNOWN = 3;

    @Mixin
    ReceiverConfigOption config;

    @Option(names = "--nagios", description = "One line in Nagios' plugin format instead of the report.")
    boolean nagios;

    @Parameters(arity = "0..1", paramLabel = "SERVER", description = "Only this server (default: all of them).")
    Optional<String> only = Optional.empty();

    public static void main(String[] args) {
        LogFormat.install();
        System.exit(commandLine().execute(args));
    }

    /** The command line that main runs: a mistake on it, as any failure to check, is Nagios' UNKNOWN. */
    static CommandLine commandLine() {
        return CommandErrors.install(new CommandLine(new VerifyCommand()), UNKNOWN, UNKNOWN);
    }

    @Override
    public Integer call() {
        ReceiverConfig cfg;
        try {
            cfg = ReadByBarman.of(config.load()).config();
        } catch (ConfigException e) {
            return unknown(e.getMessage());
        }
        Map<String, ArchivedServer> all = cfg.allServers();
        List<ArchivedServer> servers = new ArrayList<>();
        if (only.isPresent()) {
            ArchivedServer server = all.get(only.get());
            if (server == null) {
                return unknown(cfg.file() + " has no server '" + only.get() + "'; its servers: "
                        + String.join(", ", all.keySet()));
            }
            servers.add(server);
        } else {
            servers.addAll(all.values());
        }
        List<Report> reports = new ArrayList<>();
        for (ArchivedServer server : servers) {
            try {
                reports.add(switch (server) {
                    case BarmanServer barman -> ArchiveVerification.verify(barman, cfg.lockTimeout());
                    case CloudServer bucket -> BucketVerification.verify(bucket);
                });
            } catch (IOException e) {
                return unknown("server '" + server.name() + "': " + e.getMessage());
            }
        }
        int status = reports.stream().map(Report::worst).flatMap(Optional::stream)
                .map(worst -> worst == Severity.CRITICAL ? CRITICAL : WARNING).max(Integer::compare).orElse(OK);
        if (nagios) {
            System.out.println(NagiosLine.of(status, reports));
        } else {
            for (Report report : reports) {
                report.findings().forEach(finding -> System.out.println(report.server() + ": " + finding.severity()
                        + " " + finding.text()));
            }
            reports.forEach(report -> System.out.println(summary(report)));
        }
        return status;
    }

    static String summary(Report report) {
        long critical = report.findings().stream().filter(f -> f.severity() == Severity.CRITICAL).count();
        long warnings = report.findings().size() - critical;
        return "server '" + report.server() + "': " + report.files() + " files verified (" + report.withChecksum()
                + " against a recorded checksum), " + (report.findings().isEmpty() ? "all sound"
                : critical + " critical, " + warnings + " warning" + (warnings == 1 ? "" : "s"));
    }

    private int unknown(String why) {
        System.out.println(nagios ? "WALSHIP VERIFY UNKNOWN - " + why : "walship verify: " + why);
        return UNKNOWN;
    }

    /** Nagios' plugin output: status, a summary, the first problem, and perfdata. */
    static final class NagiosLine {

        private NagiosLine() {
        }

        static String of(int status, List<Report> reports) {
            String word = switch (status) {
                case OK -> "OK";
                case WARNING -> "WARNING";
                default -> "CRITICAL";
            };
            int files = reports.stream().mapToInt(Report::files).sum();
            long problems = reports.stream().mapToLong(r -> r.findings().size()).sum();
            Optional<String> first = reports.stream().flatMap(r -> r.findings().stream()
                    .map((Finding f) -> r.server() + ": " + f.text())).findFirst();
            return "WALSHIP VERIFY " + word + " - " + reports.size() + " server" + (reports.size() == 1 ? "" : "s")
                    + ", " + files + " files, " + problems + " problem" + (problems == 1 ? "" : "s")
                    + first.map(f -> "; " + f).orElse("") + " | files=" + files + " problems=" + problems;
        }
    }
}
