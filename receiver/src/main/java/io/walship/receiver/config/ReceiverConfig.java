package io.walship.receiver.config;

import io.walship.config.ConfigException;
import io.walship.config.IniFile;
import io.walship.config.IniSection;
import io.walship.protocol.Defaults;
import io.walship.receiver.compress.Compression;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The receiver's configuration file: a [receiver] section and one section per Barman server. */
public record ReceiverConfig(Path file, InetSocketAddress listen, Path barmanHome, Path caFile, Path certFile,
        Path keyFile, Duration lockTimeout, Map<String, ServerPolicy> servers) {

    public static final String SECTION = "receiver";
    private static final Set<String> RECEIVER_KEYS = Set.of("listen", "barman_home", "ca_file", "cert_file",
            "key_file", "compression", "lock_timeout");
    private static final Set<String> SERVER_KEYS = Set.of("clients", "compression");
    /** Barman server names become directory names: nothing that could climb out of barman_home. */
    private static final Pattern SERVER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public static ReceiverConfig load(Path file) throws ConfigException {
        IniFile ini = IniFile.load(file);
        IniSection receiver = ini.requireSection(SECTION);
        receiver.allowOnly(RECEIVER_KEYS);
        InetSocketAddress listen = receiver.optional("listen").isPresent()
                ? receiver.hostPort("listen", Defaults.PORT)
                : InetSocketAddress.createUnresolved("0.0.0.0", Defaults.PORT);
        Path barmanHome = receiver.path(receiver.optional("barman_home").orElse("/var/lib/barman"));
        if (!Files.isDirectory(barmanHome)) {
            throw new ConfigException(receiver.where("barman_home") + ": [receiver] barman_home = " + barmanHome
                    + " is not a directory; create it (owned by the barman user) or fix the path");
        }
        Compression defaultCompression = compression(receiver, Compression.ZSTD);
        Duration lockTimeout = Duration.ofSeconds(seconds(receiver, "lock_timeout", 60));
        Map<String, ServerPolicy> servers = new LinkedHashMap<>();
        for (IniSection section : ini.sections()) {
            if (section.name().equals(SECTION)) {
                continue;
            }
            servers.put(section.name(), server(section, defaultCompression));
        }
        if (servers.isEmpty()) {
            throw new ConfigException(file + ": no server section; add one per Barman server, e.g. [pg] with "
                    + "clients = <agent certificate name>");
        }
        return new ReceiverConfig(file, listen, barmanHome, receiver.readableFile("ca_file"),
                receiver.readableFile("cert_file"), receiver.readableFile("key_file"), lockTimeout, servers);
    }

    private static ServerPolicy server(IniSection section, Compression defaultCompression) throws ConfigException {
        if (!SERVER_NAME.matcher(section.name()).matches()) {
            throw new ConfigException(section.where("clients") + ": [" + section.name() + "] is not a usable "
                    + "server name; use letters, digits, '.', '_' and '-'");
        }
        section.allowOnly(SERVER_KEYS);
        Set<String> clients = new LinkedHashSet<>(section.list("clients"));
        if (clients.isEmpty()) {
            throw new ConfigException(section.where("clients") + ": [" + section.name() + "] needs clients = "
                    + "the certificate names (CN) allowed to push and fetch for this server");
        }
        return new ServerPolicy(section.name(), Set.copyOf(clients), compression(section, defaultCompression));
    }

    private static Compression compression(IniSection section, Compression fallback) throws ConfigException {
        if (section.optional("compression").isEmpty()) {
            return fallback;
        }
        return Compression.fromConfig(section.optional("compression").get())
                .orElseThrow(() -> section.invalid("compression", Compression.configChoices()));
    }

    private static long seconds(IniSection section, String key, long fallback) throws ConfigException {
        if (section.optional(key).isEmpty()) {
            return fallback;
        }
        String raw = section.optional(key).get();
        if (raw.matches("[1-9][0-9]{0,8}")) {
            return Long.parseLong(raw);
        }
        throw section.invalid(key, "a whole number of seconds above 0");
    }
}
