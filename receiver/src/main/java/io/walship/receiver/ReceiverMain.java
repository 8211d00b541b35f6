package io.walship.receiver;

import io.netty.handler.ssl.SslContext;
import io.walship.config.ConfigException;
import io.walship.protocol.TlsContexts;
import io.walship.receiver.compress.Compression;
import io.walship.receiver.config.ReceiverConfig;
import io.walship.receiver.config.ServerPolicy;
import io.walship.receiver.net.ReceiverServer;
import io.walship.receiver.store.barman.BarmanStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code walship receiver}: the backup-host service. */
@Command(name = "walship receiver", mixinStandardHelpOptions = true, versionProvider = ReceiverMain.Version.class,
        description = {"Runs the walship receiver on the backup host.", "",
            "Receives WAL files from walship agents over mutual TLS, verifies them and stores them in Barman's "
                + "layout (<barman_home>/<server>/wals/<hash>/<name> plus xlog.db). Runs in the foreground; "
                + "logs go to stderr, one line per file."},
        footer = {"", "Example:", "  walship receiver --config /etc/walship/receiver.conf"})
public final class ReceiverMain implements Callable<Integer> {

    private static final Logger LOG = Logger.getLogger(ReceiverMain.class.getName());

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "/etc/walship/receiver.conf",
            description = "Receiver configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %5$s%6$s%n");
        System.exit(new CommandLine(new ReceiverMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        ReceiverConfig cfg;
        try {
            cfg = ReceiverConfig.load(config);
        } catch (ConfigException e) {
            System.err.println("walship receiver: " + e.getMessage());
            return 2;
        }
        SslContext tls;
        try {
            tls = TlsContexts.receiver(cfg.certFile(), cfg.keyFile(), cfg.caFile());
        } catch (Exception e) {
            System.err.println("walship receiver: cannot load the TLS files (cert_file " + cfg.certFile()
                    + ", key_file " + cfg.keyFile() + ", ca_file " + cfg.caFile() + "): " + e.getMessage());
            return 2;
        }
        Map<String, Compression> compression = new LinkedHashMap<>();
        for (ServerPolicy policy : cfg.servers().values()) {
            compression.put(policy.name(), policy.compression());
        }
        BarmanStore store = new BarmanStore(cfg.barmanHome(), compression, cfg.lockTimeout());
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        ReceiverServer server;
        try {
            server = ReceiverServer.start(cfg.listen(), tls, store, cfg.servers(), cfg.file(), threads);
        } catch (Exception e) {
            System.err.println("walship receiver: cannot listen on " + cfg.listen().getHostString() + ":"
                    + cfg.listen().getPort() + ": " + e.getMessage());
            return 3;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "walship-shutdown"));
        for (ServerPolicy policy : cfg.servers().values()) {
            LOG.info("server '" + policy.name() + "': " + cfg.barmanHome().resolve(policy.name()).resolve("wals")
                    + ", compression " + policy.compression().configName + ", clients " + policy.clients());
        }
        System.out.println("walship receiver listening on " + cfg.listen().getHostString() + ":" + server.port());
        System.out.flush();
        server.awaitClose();
        return 0;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ReceiverMain.class.getPackage().getImplementationVersion();
            return new String[] {"walship " + (version == null ? "(development build)" : version)};
        }
    }
}
