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
        Path keyFile) {

    public static final Path DEFAULT_FILE = Path.of("/etc/walship/walship.conf");
    public static final String ENVIRONMENT = "WALSHIP_CONFIG";
    private static final Set<String> KEYS = Set.of("receiver", "server", "ca_file", "cert_file", "key_file");

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
        return new AgentConfig(file, receiver, server, agent.readableFile("ca_file"), agent.readableFile("cert_file"),
                agent.readableFile("key_file"));
    }

    public String receiverText() {
        return receiver.getHostString() + ":" + receiver.getPort();
    }
}
