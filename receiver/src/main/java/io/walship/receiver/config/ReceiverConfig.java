package io.walship.receiver.config;

import io.walship.config.ConfigException;
import io.walship.config.IniFile;
import io.walship.config.IniSection;
import io.walship.metrics.MetricsListen;
import io.walship.protocol.Defaults;
import io.walship.receiver.compress.Compression;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The receiver's configuration file: a [receiver] section and one section per server, stored in Barman's layout or,
 * with {@code storage = s3}, in a bucket in barman-cloud's layout (see {@link CloudServerSection}). With
 * {@code barman_config}, barman_home, each server's directories and compression come from Barman's own
 * configuration instead, so that a server is configured once; walship's file then only says who may use it.
 *
 * @param limits how much the receiver takes on at once
 * @param servers the servers by name, in the order of the file, each with the xlog.db that {@code barmanVersion}
 *     reads
 * @param barmanConfig Barman's configuration file, when walship follows it
 * @param barmanVersion the Barman release that reads the archive: as configured by {@link #load} (empty: ask the
 *     installed Barman), as found at start after {@link #readBy}
 * @param withoutBarman {@code barman_version = none}: no Barman reads the archive, only walship fetch
 * @param metricsListen where Prometheus scrapes the receiver's metrics; empty: nowhere
 * @param statusSocket the Unix socket the receiver answers {@code walship receiver-status} on
 * @param cloudServers the servers whose WAL goes to a bucket, by name, in the order of the file
 */
public record ReceiverConfig(Path file, InetSocketAddress listen, Path barmanHome, Path caFile, Path certFile,
        Path keyFile, Duration lockTimeout, ReceiverLimits limits, Map<String, BarmanServer> servers,
        Optional<BarmanConfig> barmanConfig, Optional<BarmanVersion> barmanVersion,
        Optional<InetSocketAddress> metricsListen, Path statusSocket, boolean withoutBarman,
        Map<String, CloudServer> cloudServers) {

    public static final String SECTION = "receiver";
    /** {@code barman_version = none}. */
    static final String NO_BARMAN = "none";
    /** The compression source of a server whose codec nothing configures: chosen once Barman's release is known. */
    static final String DEFAULT_COMPRESSION = "walship's default compression";
    private static final Set<String> RECEIVER_KEYS = Set.of("listen", "barman_home", "barman_config",
            "barman_version", "ca_file", "cert_file", "key_file", "compression", "lock_timeout",
            ReceiverLimits.MAX_CONNECTIONS, ReceiverLimits.MAX_CONNECTIONS_PER_CLIENT, ReceiverLimits.MAX_UPLOADS,
            ReceiverLimits.MAX_UPLOADS_PER_CLIENT, ReceiverLimits.UPLOAD_IDLE_TIMEOUT, MetricsListen.KEY,
            StatusSocketPath.KEY);
    private static final Set<String> SERVER_KEYS = Set.of("storage", "clients", "compression");
    private static final Set<String> BARMAN_SERVER_KEYS = Set.of("storage", "clients");
    /** {@code storage = barman}, the default: Barman's layout under barman_home. */
    private static final String BARMAN_STORAGE = "barman";
    /** Barman server names become directory names: nothing that could climb out of barman_home. */
    private static final Pattern SERVER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public static ReceiverConfig load(Path file) throws ConfigException {
        IniFile ini = IniFile.load(file);
        IniSection receiver = ini.requireSection(SECTION);
        receiver.allowOnly(RECEIVER_KEYS);
        InetSocketAddress listen = receiver.optional("listen").isPresent()
                ? receiver.hostPort("listen", Defaults.PORT)
                : InetSocketAddress.createUnresolved("0.0.0.0", Defaults.PORT);
        Optional<BarmanVersion> barmanVersion = barmanVersion(receiver);
        Optional<BarmanConfig> barman = Optional.empty();
        Path barmanHome;
        if (receiver.optional("barman_config").isPresent()) {
            Path barmanFile = receiver.path(receiver.optional("barman_config").get());
            for (String key : List.of("barman_home", "compression")) {
                if (receiver.optional(key).isPresent()) {
                    throw new ConfigException(receiver.where(key) + ": [receiver] " + key + " comes from Barman's "
                            + "configuration (barman_config = " + barmanFile + "); remove it here");
                }
            }
            barman = Optional.of(BarmanConfig.load(barmanFile));
            barmanHome = barman.get().barmanHome();
            if (!Files.isDirectory(barmanHome)) {
                throw new ConfigException(barmanFile + ": Barman's barman_home = " + barmanHome + " is not a directory;"
                        + " create it (owned by the barman user) or fix the path");
            }
            if (!Files.isDirectory(barman.get().lockDirectory())) {
                throw new ConfigException(barmanFile + ": Barman's barman_lock_directory = "
                        + barman.get().lockDirectory() + " is not a directory; Barman and walship keep their locks "
                        + "there, so create it (owned by the barman user) or fix the path");
            }
        } else {
            barmanHome = receiver.path(receiver.optional("barman_home").orElse("/var/lib/barman"));
            if (!Files.isDirectory(barmanHome)) {
                throw new ConfigException(receiver.where("barman_home") + ": [receiver] barman_home = " + barmanHome
                        + " is not a directory; create it (owned by the barman user) or fix the path");
            }
        }
        Compression defaultCompression = compression(receiver, Compression.ZSTD);
        // Below the read timeout (300 s): reads pause while an upload waits for the lock, and a connection that
        // reads nothing for that long is closed, its reply lost.
        Duration lockTimeout = Duration.ofSeconds(receiver.intInRange("lock_timeout", 60, 1, 240,
                "seconds to wait for Barman's lock"));
        ReceiverLimits limits = ReceiverLimits.of(receiver);
        XlogDbGeneration generation = XlogDbGeneration.readBy(barmanVersion);
        Map<String, BarmanServer> servers = new LinkedHashMap<>();
        Map<String, CloudServer> cloudServers = new LinkedHashMap<>();
        for (IniSection section : ini.sections()) {
            if (section.name().equals(SECTION)) {
                continue;
            }
            checkName(section);
            String storage = section.optional("storage").orElse(BARMAN_STORAGE);
            if (storage.equals(CloudServerSection.STORAGE)) {
                cloudServers.put(section.name(), CloudServerSection.parse(section, clients(section)));
            } else if (!storage.equals(BARMAN_STORAGE)) {
                throw section.invalid("storage", BARMAN_STORAGE + " (Barman's layout under barman_home, the default) "
                        + "or " + CloudServerSection.STORAGE + " (a bucket in barman-cloud's layout)");
            } else if (barman.isPresent()) {
                BarmanServerConfig server = barmanServer(section, barman.get());
                section.allowOnly(BARMAN_SERVER_KEYS);
                Compression compression = BarmanCompression.of(server.compression(), server.compressionSource());
                servers.put(section.name(), new BarmanServer(section.name(), clients(section), compression,
                        server.compressionSource(), server.directories(), generation));
            } else {
                section.allowOnly(SERVER_KEYS);
                servers.put(section.name(), new BarmanServer(section.name(), clients(section),
                        compression(section, defaultCompression), compressionSource(receiver, section),
                        ServerDirectories.defaults(barmanHome, section.name()), generation));
            }
        }
        if (servers.isEmpty() && cloudServers.isEmpty()) {
            throw new ConfigException(file + ": no server section; add one per Barman server, e.g. [pg] with "
                    + "clients = <agent certificate name>");
        }
        return new ReceiverConfig(file, listen, barmanHome, receiver.readableFile("ca_file"),
                receiver.readableFile("cert_file"), receiver.readableFile("key_file"), lockTimeout, limits, servers, barman,
                barmanVersion, MetricsListen.of(receiver), StatusSocketPath.of(receiver, barmanHome),
                withoutBarman(receiver), cloudServers);
    }

    /**
     * This configuration for archives that {@code barman} reads (the release found when none was configured): the
     * xlog.db it reads, and for a server whose codec nothing configures the best codec it reads.
     */
    public ReceiverConfig readBy(Optional<BarmanVersion> barman) {
        XlogDbGeneration generation = XlogDbGeneration.readBy(barman);
        Map<String, BarmanServer> read = new LinkedHashMap<>();
        servers.forEach((name, server) -> read.put(name, (server.compressionSource().equals(DEFAULT_COMPRESSION)
                ? server.compressedBy(defaultCompression(barman), defaultCompressionSource(barman)) : server)
                .readBy(generation)));
        return new ReceiverConfig(file, listen, barmanHome, caFile, certFile, keyFile, lockTimeout, limits, read,
                barmanConfig, barman, metricsListen, statusSocket, withoutBarman, cloudServers);
    }

    /** zstd where no Barman reads the archive or the one that does reads it, else gzip, which every Barman reads. */
    private Compression defaultCompression(Optional<BarmanVersion> barman) {
        return withoutBarman || barman.map(BarmanVersion::readsZstd).orElse(false) ? Compression.ZSTD
                : Compression.GZIP;
    }

    private String defaultCompressionSource(Optional<BarmanVersion> barman) {
        if (withoutBarman) {
            return DEFAULT_COMPRESSION + " (zstd: barman_version = none, only walship fetch reads the archive)";
        }
        return DEFAULT_COMPRESSION + barman.map(v -> v.readsZstd() ? " (zstd, which Barman " + v + " reads)"
                : " (gzip, the best Barman " + v + " reads)").orElse(" (gzip, which every Barman reads: the "
                + "Barman release is unknown)");
    }

    /** Every server, whatever stores it, by name: the Barman servers, then those of a bucket, each in file order. */
    public Map<String, ArchivedServer> allServers() {
        Map<String, ArchivedServer> all = new LinkedHashMap<>(servers);
        all.putAll(cloudServers);
        return Collections.unmodifiableMap(all);
    }

    /**
     * Checks the codecs configured for the servers against the Barman release that reads the archive: one it cannot
     * read stops the start, since barman get-wal and barman recover would hand out compressed bytes. Returned for
     * the log: what cannot be checked.
     */
    public List<String> checkReadableBy(Optional<BarmanVersion> barman) throws ConfigException {
        List<String> warnings = new ArrayList<>();
        if (withoutBarman) {
            return warnings;
        }
        if (barman.isEmpty()) {
            servers.values().stream().filter(server -> server.compression() == Compression.ZSTD
                    && !server.compressionSource().equals(DEFAULT_COMPRESSION)).findFirst().ifPresent(server ->
                    warnings.add("server '" + server.name() + "': " + server.compressionSource() + " selects zstd, "
                            + "which only Barman " + BarmanVersion.READS_ZSTD + " or later reads, and the Barman "
                            + "release is unknown; set barman_version in [receiver] (none if only walship fetch "
                            + "restores from the archive)"));
            return warnings;
        }
        for (BarmanServer server : servers.values()) {
            if (server.compressionSource().equals(DEFAULT_COMPRESSION)
                    || BarmanCompression.readable(server.compression(), barman.get())) {
                continue;
            }
            String problem = server.compressionSource() + ": Barman " + barman.get() + " cannot read "
                    + server.compression().configName + "-compressed WAL (that needs Barman "
                    + BarmanVersion.READS_ZSTD + " or later)";
            throw new ConfigException(problem + "; set compression = gzip, bzip2 or none for [" + server.name() + "]"
                    + (barmanConfig.isPresent() ? " in Barman's configuration" : "") + ", upgrade Barman, or set "
                    + "barman_version = none if only walship fetch restores from this archive");
        }
        return warnings;
    }

    private static BarmanServerConfig barmanServer(IniSection section, BarmanConfig barman) throws ConfigException {
        BarmanServerConfig server = barman.servers().get(section.name());
        if (server == null) {
            throw new ConfigException(section.where("clients") + ": [" + section.name() + "] is not a server in "
                    + "Barman's configuration (" + barman.files().stream().map(Path::toString)
                    .collect(Collectors.joining(", ")) + "), which has " + (barman.servers().isEmpty() ? "none"
                    : String.join(", ", barman.servers().keySet())) + "; configure the server in Barman first");
        }
        if (section.optional("compression").isPresent()) {
            throw new ConfigException(section.where("compression") + ": [" + section.name() + "] compression comes "
                    + "from Barman's configuration (" + server.compressionSource() + "); remove it here");
        }
        return server;
    }

    private static void checkName(IniSection section) throws ConfigException {
        if (!SERVER_NAME.matcher(section.name()).matches()) {
            throw new ConfigException(section.where("clients") + ": [" + section.name() + "] is not a usable "
                    + "server name; use letters, digits, '.', '_' and '-'");
        }
    }

    private static Set<String> clients(IniSection section) throws ConfigException {
        Set<String> clients = new LinkedHashSet<>(section.list("clients"));
        if (clients.isEmpty()) {
            throw new ConfigException(section.where("clients") + ": [" + section.name() + "] needs clients = "
                    + "the certificate names (CN) allowed to push and fetch for this server");
        }
        return Set.copyOf(clients);
    }

    private static String compressionSource(IniSection receiver, IniSection server) {
        if (server.optional("compression").isPresent()) {
            return server.where("compression") + ": [" + server.name() + "] compression";
        }
        if (receiver.optional("compression").isPresent()) {
            return receiver.where("compression") + ": [receiver] compression";
        }
        return DEFAULT_COMPRESSION;
    }

    private static boolean withoutBarman(IniSection receiver) {
        return receiver.optional("barman_version").filter(v -> v.equalsIgnoreCase(NO_BARMAN)).isPresent();
    }

    private static Optional<BarmanVersion> barmanVersion(IniSection receiver) throws ConfigException {
        Optional<String> value = receiver.optional("barman_version");
        if (value.isEmpty() || value.get().equalsIgnoreCase("auto") || value.get().equalsIgnoreCase(NO_BARMAN)) {
            return Optional.empty();
        }
        Optional<BarmanVersion> version = BarmanVersion.parse(value.get());
        if (version.isEmpty() || !value.get().matches("\\d+\\.\\d+(\\.\\d+)?")) {
            throw receiver.invalid("barman_version", "auto, the Barman release that reads the archive, e.g. 3.4 "
                    + "or 3.13.1, or none when only walship fetch reads it");
        }
        return version;
    }

    private static Compression compression(IniSection section, Compression fallback) throws ConfigException {
        if (section.optional("compression").isEmpty()) {
            return fallback;
        }
        return Compression.fromConfig(section.optional("compression").get())
                .orElseThrow(() -> section.invalid("compression", Compression.configChoices()));
    }
}
