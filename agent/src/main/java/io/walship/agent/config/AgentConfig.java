package io.walship.agent.config;

import io.walship.config.ConfigException;
import io.walship.config.IniFile;
import io.walship.config.IniSection;
import io.walship.protocol.Defaults;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Set;

/** The agent's configuration: which receiver, which Barman server, which certificates. */
public record AgentConfig(Path file, InetSocketAddress receiver, String server, Path caFile, Path certFile,
        Path keyFile, int prefetch, Path spoolDirectory) {

    public static final Path DEFAULT_FILE = Path.of("/etc/walship/walship.conf");
    public static final String ENVIRONMENT = "WALSHIP_CONFIG";
    private static final Set<String> KEYS = Set.of("receiver", "server", "ca_file", "cert_file", "key_file",
            "prefetch", "spool_directory");
    /** Eight 16 MiB segments: enough to hide the round trips, small enough for any spool. */
    public static final int DEFAULT_PREFETCH = 8;
    private static final int MAX_PREFETCH = 256;
    public static final Path DEFAULT_SPOOL = Path.of("/var/spool/walship");

    /** --config, else $WALSHIP_CONFIG, else the system-wide file. */
    public static Path locate(Path option) {
        if (option != null) {
            return option;
        }
        String env = System.getenv(ENVIRONMENT);
        return env != null && !env.isBlank() ? Path.of(env) : DEFAULT_FILE;
    }

    public static AgentConfig load(Path file) throws ConfigException {
        IniSection agent = IniFile.load(file).requireSection("agent");
        agent.allowOnly(KEYS);
        InetSocketAddress receiver = agent.hostPort("receiver", Defaults.PORT);
        String server = agent.require("server", "the Barman server name this PostgreSQL archives to");
        int prefetch = DEFAULT_PREFETCH;
        if (agent.optional("prefetch").isPresent()) {
            String raw = agent.optional("prefetch").get();
            if (!raw.matches("[0-9]{1,3}") || Integer.parseInt(raw) > MAX_PREFETCH) {
                throw agent.invalid("prefetch", "the number of segments to read ahead, 0 (off) to " + MAX_PREFETCH);
            }
            prefetch = Integer.parseInt(raw);
        }
        Path spool = agent.path(agent.optional("spool_directory").orElse(DEFAULT_SPOOL.toString()));
        return new AgentConfig(file, receiver, server, agent.readableFile("ca_file"), agent.readableFile("cert_file"),
                agent.readableFile("key_file"), prefetch, spool.resolve(server));
    }

    public String receiverText() {
        return receiver.getHostString() + ":" + receiver.getPort();
    }
}
