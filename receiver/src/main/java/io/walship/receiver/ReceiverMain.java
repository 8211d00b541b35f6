package io.walship.receiver;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.walship.cli.CommandErrors;
import io.walship.cli.LogFormat;
import io.walship.cli.ServiceSignals;
import io.walship.cli.VersionProvider;
import io.walship.config.ConfigException;
import io.walship.protocol.TlsContexts;
import io.walship.receiver.config.ArchivedServer;
import io.walship.receiver.config.BarmanServer;
import io.walship.receiver.config.BarmanVersion;
import io.walship.receiver.config.CloudServer;
import io.walship.receiver.config.ConfiguredServers;
import io.walship.receiver.config.ReadByBarman;
import io.walship.receiver.config.ReceiverConfig;
import io.walship.receiver.config.ReceiverConfigOption;
import io.walship.receiver.config.ReceiverLimits;
import io.walship.receiver.metrics.ReceiverMetrics;
import io.walship.receiver.net.ReceiverServer;
import io.walship.receiver.store.StoreRouter;
import io.walship.receiver.store.WalStore;
import io.walship.receiver.store.barman.BarmanStore;
import io.walship.receiver.store.barman.WritableDirectories;
import io.walship.receiver.store.s3.S3Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code walship receiver}: the backup-host service. */
@Command(name = "walship receiver", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Runs the walship receiver on the backup host.", "",
            "Receives WAL files from walship agents over mutual TLS, verifies them and stores them in Barman's "
                + "layout (<barman_home>/<server>/wals/<hash>/<name> plus xlog.db). With barman_config it takes "
                + "barman_home and the servers' directories and compression from Barman's configuration. Runs in "
                + "the foreground; logs go to stderr, one line per file.", "",
            "SIGHUP reloads the configuration file: the servers' clients and compression change without a "
                + "connection dropped; other changes take a restart, and a file with a mistake leaves the "
                + "receiver as it runs. SIGTERM and SIGINT stop it."},
        footer = {"", "Example:", "  walship receiver --config /etc/walship/receiver.conf"})
public final class ReceiverMain implements Callable<Integer> {

    private static final Logger LOG = Logger.getLogger(ReceiverMain.class.getName());

    /** Twice the read timeout: no live upload, of this receiver or another, leaves its temp file alone that long. */
    private static final Duration UNFINISHED = ReceiverServer.READ_TIMEOUT.multipliedBy(2);

    @Mixin
    ReceiverConfigOption config;

    public static void main(String[] args) {
        LogFormat.install();
        System.exit(commandLine().execute(args));
    }

    /** The command line that main runs. */
    static CommandLine commandLine() {
        return CommandErrors.install(new CommandLine(new ReceiverMain()), 2, 1);
    }

    @Override
    public Integer call() throws InterruptedException {
        ReceiverConfig cfg;
        try {
            cfg = config.load();
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
        ReadByBarman readable;
        try {
            readable = ReadByBarman.of(cfg);
        } catch (ConfigException e) {
            System.err.println("walship receiver: " + e.getMessage());
            return 2;
        }
        cfg = readable.config();
        Optional<BarmanVersion> barman = readable.barman();
        String barmanSource = readable.barmanSource();
        List<String> warnings = readable.warnings();
        try {
            WritableDirectories.check(cfg.servers().values());
        } catch (ConfigException e) {
            System.err.println("walship receiver: " + e.getMessage());
            return 2;
        }
        LOG.info(startLine(cfg));
        if (RunningUser.isRoot()) {
            LOG.warning("running as root: the files it stores belong to root, which Barman, running as its own user, "
                    + "cannot expire or rewrite; run the receiver as the user that owns barman_home (usually barman)");
        }
        ConfiguredServers servers = new ConfiguredServers(cfg.servers(), cfg.cloudServers());
        ServiceSignals.onHangup(new HangupReload(cfg, servers));
        List<ArchivedServer> archived = List.copyOf(cfg.allServers().values());
        ReceiverMetrics metrics = new ReceiverMetrics(archived.stream().map(ArchivedServer::name).toList(),
                archived.stream().flatMap(archive -> archive.clients().stream()).toList(), Clock.systemUTC());
        BarmanStore barmanStore = new BarmanStore(servers, cfg.lockTimeout(), metrics);
        S3Store bucketStore = new S3Store(cfg.cloudServers().values(), metrics);
        sweepUnfinishedUploads(barmanStore, bucketStore);
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(task -> Thread.ofPlatform()
                .daemon().name("walship-housekeeping").unstarted(task));
        // Again later, for what a receiver killed just before this one started left behind.
        housekeeping.scheduleWithFixedDelay(() -> sweepUnfinishedUploads(barmanStore, bucketStore),
                UNFINISHED.toSeconds(), UNFINISHED.toSeconds(), TimeUnit.SECONDS);
        // Beside the uploads, since it waits for each server's lock; again later for a server whose lock was busy.
        housekeeping.scheduleWithFixedDelay(barmanStore::reconcileUnindexedFiles, 0, UNFINISHED.toSeconds(),
                TimeUnit.SECONDS);
        WalStore store = new StoreRouter(Map.of(barmanStore, cfg.servers().keySet(), bucketStore,
                cfg.cloudServers().keySet()));
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        ReceiverServer server;
        try {
            server = ReceiverServer.start(cfg.listen(), tls, store, servers, cfg.file(), cfg.limits(), metrics,
                    threads, readable.reader());
        } catch (Exception e) {
            System.err.println("walship receiver: cannot listen on " + cfg.listen().getHostString() + ":"
                    + cfg.listen().getPort() + ": " + e.getMessage());
            store.close();
            return 3;
        }
        LocalEndpoints endpoints;
        try {
            endpoints = LocalEndpoints.start(cfg, metrics);
        } catch (IOException e) {
            System.err.println("walship receiver: " + e.getMessage());
            server.close();
            store.close();
            return 3;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            endpoints.close();
            server.close();
            store.close();
        }, "walship-shutdown"));
        LOG.info(barman.map(v -> "Barman " + v).orElse("Barman's version unknown") + " (" + barmanSource + "); "
                + cfg.barmanConfig().map(b -> "servers as configured in " + b.files().stream().map(Path::toString)
                .collect(Collectors.joining(", "))).orElse("barman_home " + cfg.barmanHome()));
        for (BarmanServer archive : cfg.servers().values()) {
            LOG.info("server '" + archive.name() + "': " + archive.directories().walsDirectory() + ", xlog.db "
                    + xlogDb(archive) + ", lock " + archive.lockFile() + ", compression "
                    + archive.compression().configName + " (" + archive.compressionSource() + "), clients "
                    + archive.clients());
        }
        for (CloudServer archive : cfg.cloudServers().values()) {
            LOG.info("server '" + archive.name() + "': " + archive.url() + archive.endpoint().map(uri -> " at " + uri)
                    .orElse(" (AWS, " + archive.region() + ")") + ", compression " + archive.compression().configName
                    + ", credentials " + archive.credentials().map(c -> c.file() + " [" + c.profile() + "]")
                    .orElse("from the AWS SDK's default chain") + ", clients " + archive.clients());
        }
        warnings.forEach(LOG::warning);
        AtomicReference<String> stopSignal = new AtomicReference<>();
        ServiceSignals.onStop(signal -> {
            stopSignal.set(signal);
            LOG.info("stopping on " + signal + ": no new connections; uploads under way are broken off, and their "
                    + "agents send them again");
            server.stopListening();
        });
        endpoints.announce();
        LOG.info("listening on " + cfg.listen().getHostString() + ":" + server.port());
        System.out.println("walship receiver listening on " + cfg.listen().getHostString() + ":" + server.port());
        System.out.flush();
        server.awaitClose();
        endpoints.close();
        server.close();
        store.close();
        housekeeping.shutdownNow();
        LOG.info("stopped" + (stopSignal.get() == null ? ": the listening socket closed" : " on " + stopSignal.get()));
        return 0;
    }

    /** The release, the process and the settings that shape what it takes on. */
    private static String startLine(ReceiverConfig cfg) {
        ReceiverLimits limits = cfg.limits();
        return "walship receiver " + VersionProvider.version() + ", pid " + ProcessHandle.current().pid() + ", user "
                + RunningUser.name() + ": configuration " + cfg.file() + ", listen " + cfg.listen().getHostString()
                + ":" + cfg.listen().getPort() + ", TLS by " + (TlsContexts.provider() == SslProvider.JDK ? "the JDK"
                : "BoringSSL") + ", lock_timeout " + cfg.lockTimeout().toSeconds() + " s, max_connections "
                + limits.maxConnections() + ", max_connections_per_client " + limits.maxConnectionsPerClient()
                + ", max_uploads " + limits.maxUploads() + ", max_uploads_per_client " + limits.maxUploadsPerClient()
                + ", upload_idle_timeout " + limits.uploadIdleTimeout().toSeconds() + " s";
    }

    /** Temp files of uploads unchanged for {@link #UNFINISHED} belong to no live upload, and go. */
    private static void sweepUnfinishedUploads(BarmanStore barmanStore, S3Store bucketStore) {
        try {
            barmanStore.sweepUnfinishedUploads(UNFINISHED);
            bucketStore.sweepUnfinishedUploads(UNFINISHED);
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot remove what unfinished uploads left behind (" + e.getMessage() + "); going on");
        }
    }

    private static String xlogDb(BarmanServer server) {
        return switch (server.generation()) {
            case WALS_XLOG_DB -> server.walsXlogDb().toString();
            case SERVER_XLOG_DB -> server.serverXlogDb() + (Files.exists(server.serverXlogDb()) ? ""
                    : " (created from the files under " + server.directories().walsDirectory()
                            + " on the first upload)");
            case SERVER_XLOG_DB_WHEN_PRESENT -> (Files.exists(server.serverXlogDb()) ? server.serverXlogDb()
                    : server.walsXlogDb()) + " (" + server.serverXlogDb() + " once a Barman 3.13 or later creates it)";
        };
    }
}
