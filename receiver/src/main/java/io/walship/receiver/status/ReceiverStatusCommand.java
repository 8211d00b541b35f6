package io.walship.receiver.status;

import com.fasterxml.jackson.core.JacksonException;
import io.walship.cli.LogFormat;
import io.walship.cli.StatusJson;
import io.walship.cli.VersionProvider;
import io.walship.config.ConfigException;
import io.walship.receiver.config.BarmanServer;
import io.walship.receiver.config.CloudServer;
import io.walship.receiver.config.ReceiverConfig;
import io.walship.receiver.config.ReceiverConfigOption;
import io.walship.receiver.metrics.ReceiverStatus;
import io.walship.receiver.store.barman.IndexSummary;
import io.walship.receiver.store.s3.BucketSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code walship receiver-status}: what the running receiver has done, and what each archive holds. */
@Command(name = "walship receiver-status", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Shows the receiver's figures and each server's archive, on the backup host.", "",
            "Asks the running receiver on its status_socket for what it counted since it started (files stored, "
                + "already stored, conflicting, rejected by reason, bytes, the last store, open connections and "
                + "uploads by client certificate, TLS failures by cause) and reads each server's xlog.db (or lists "
                + "its bucket, for storage = s3) for its newest file and what it lists for today. Run it as the "
                + "receiver's user.", "",
            "Exit status: 0 the receiver answered; 1 no receiver answers (the archives are shown all the same); "
                + "2 the configuration or an archive cannot be read."},
        footer = {"", "Examples:", "  walship receiver-status --config /etc/walship/receiver.conf",
            "  walship receiver-status --config /etc/walship/receiver.conf --json"})
public final class ReceiverStatusCommand implements Callable<Integer> {

    static final int RUNNING = 0;
    static final int NOT_RUNNING = 1;
    static final int CANNOT_READ = 2;

    @Mixin
    ReceiverConfigOption config;

    @Option(names = "--json", description = "The report as one JSON document.")
    boolean json;

    public static void main(String[] args) {
        LogFormat.install();
        CommandLine command = new CommandLine(new ReceiverStatusCommand());
        command.setExitCodeExceptionMapper(e -> CANNOT_READ);
        System.exit(command.execute(args));
    }

    @Override
    public Integer call() {
        ReceiverConfig cfg;
        try {
            cfg = config.load();
        } catch (ConfigException e) {
            return cannotRead(e.getMessage());
        }
        LocalDate today = LocalDate.now(ZoneId.systemDefault());
        Map<String, StatusReport.Archive> archives = new LinkedHashMap<>();
        for (BarmanServer server : cfg.servers().values()) {
            try {
                archives.put(server.name(), StatusReport.Archive.of(IndexSummary.read(server,
                        today.atStartOfDay(ZoneId.systemDefault()).toInstant()), today));
            } catch (IOException e) {
                return cannotRead("server '" + server.name() + "': cannot read its xlog.db (" + e.getMessage()
                        + "); run this as the receiver's user");
            }
        }
        for (CloudServer server : cfg.cloudServers().values()) {
            try {
                archives.put(server.name(), StatusReport.Archive.of(BucketSummary.read(server,
                        today.atStartOfDay(ZoneId.systemDefault()).toInstant()), today));
            } catch (IOException e) {
                return cannotRead("server '" + server.name() + "': " + e.getMessage() + "; check the endpoint, the "
                        + "bucket and that the receiver's credentials may list it");
            }
        }
        Optional<ReceiverStatus> receiver;
        try {
            receiver = ask(cfg.statusSocket());
        } catch (IOException e) {
            return cannotRead("cannot ask the receiver on " + cfg.statusSocket() + " (status_socket): "
                    + e.getMessage() + "; run this as the receiver's user");
        }
        StatusReport report = new StatusReport(cfg.statusSocket().toString(), receiver.orElse(null), archives);
        try {
            System.out.print(json ? StatusJson.MAPPER.writeValueAsString(report) + "\n" : StatusText.of(report));
        } catch (JacksonException e) {
            return cannotRead("cannot write the report as JSON: " + e.getOriginalMessage());
        }
        System.out.flush();
        if (receiver.isEmpty()) {
            System.err.println("walship receiver-status: no receiver answers on " + cfg.statusSocket()
                    + " (status_socket); is walship receiver running with this configuration?");
            return NOT_RUNNING;
        }
        return RUNNING;
    }

    private static Optional<ReceiverStatus> ask(Path socket) throws IOException {
        Optional<byte[]> answer = StatusSocket.read(socket);
        if (answer.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(StatusJson.MAPPER.readValue(answer.get(), ReceiverStatus.class));
        } catch (JacksonException e) {
            throw new IOException("its answer is not a walship status (" + e.getOriginalMessage() + "): "
                    + new String(answer.get(), 0, Math.min(answer.get().length, 80), StandardCharsets.UTF_8), e);
        }
    }

    private static int cannotRead(String why) {
        System.err.println("walship receiver-status: " + why);
        return CANNOT_READ;
    }
}
