package io.walship.agent.config;

import io.walship.agent.spool.SpoolLayout;
import io.walship.config.ConfigException;
import io.walship.config.IniFile;
import io.walship.config.IniSection;
import io.walship.metrics.MetricsListen;
import io.walship.protocol.Defaults;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The agent's configuration: which receivers, which Barman server, which certificates.
 *
 * @param receivers where to ship and fetch from, in the order of preference ({@code receiver} lists them)
 * @param startAgent whether walship push starts the agent when none runs (the launcher does, bin/lib/agent.sh)
 * @param agentWait the seconds a push waits for the agent's record of its file (the launcher waits,
 *     bin/lib/shipped.sh); 0: it never waits, and so starts no agent either
 * @param conninfo how {@code walship check} and {@code walship status} reach PostgreSQL, in libpq's
 *     {@code key=value} form; empty: the local socket named in the data directory's postmaster.pid
 * @param metricsListen where Prometheus scrapes the read-ahead agent's metrics; empty: nowhere
 * @param wireCompression which host compresses uploads (where the receiver takes zstd): both on a backlog
 *     (shared, the default: it drained fastest between two hosts at 1 and 10 Gbit/s), this one (zstd) or the
 *     receiver (none)
 * @param fetchCompression whether downloads of files the receiver stores as zstd come as stored (zstd, the
 *     default) or plain (none)
 */
public record AgentConfig(Path file, ReceiverAddresses receivers, String server, Path caFile, Path certFile,
        Path keyFile, int prefetch, SpoolLayout spool, int pushConcurrency, boolean startAgent,
        int agentWait, Optional<String> conninfo, Optional<InetSocketAddress> metricsListen,
        WireCompression wireCompression, FetchCompression fetchCompression) {

    public static final Path DEFAULT_FILE = Path.of("/etc/walship/walship.conf");
    public static final String ENVIRONMENT = "WALSHIP_CONFIG";
    private static final String SECTION = "agent";
    private static final Set<String> KEYS = Set.of("receiver", "server", "ca_file", "cert_file", "key_file",
            "prefetch", "spool_directory", "push_concurrency", "start_agent", "agent_wait", "conninfo",
            MetricsListen.KEY, "wire_compression", "fetch_compression");
    /** Eight 16 MiB segments: enough to hide the round trips, small enough for any spool. */
    public static final int DEFAULT_PREFETCH = 8;
    private static final int MAX_PREFETCH = 256;
    /**
     * Parallel uploads of the read-ahead agent. Two keep a 2-core receiver busy; four made it slower there
     * (each ingest thread then switches between two compressors' tables), see benchmarks/RESULTS.md.
     */
    public static final int DEFAULT_PUSH_CONCURRENCY = 2;
    /** The agent ships by default: walship push starts it when none runs (the launcher reads the same default). */
    public static final boolean DEFAULT_START_AGENT = true;
    /** Seconds a push waits for a live agent's record before sending the file itself. */
    public static final int DEFAULT_AGENT_WAIT = 30;

    /** --config, else $WALSHIP_CONFIG, else the system-wide file. */
    public static Path locate(Path option) {
        if (option != null) {
            return option;
        }
        String env = System.getenv(ENVIRONMENT);
        return env != null && !env.isBlank() ? Path.of(env) : DEFAULT_FILE;
    }

    public static AgentConfig load(Path file) throws ConfigException {
        IniFile ini = IniFile.load(file);
        ini.allowOnlySections(Set.of(SECTION));
        IniSection agent = ini.requireSection(SECTION);
        agent.allowOnly(KEYS);
        ReceiverAddresses receivers = new ReceiverAddresses(agent.hostPorts("receiver", Defaults.PORT));
        String server = agent.require("server", "the Barman server name this PostgreSQL archives to");
        int prefetch = agent.intInRange("prefetch", DEFAULT_PREFETCH, 0, MAX_PREFETCH,
                "the number of segments to read ahead (0 = off)");
        int pushConcurrency = agent.intInRange("push_concurrency", DEFAULT_PUSH_CONCURRENCY, 1, 32,
                "the number of parallel uploads of the read-ahead agent");
        // start_agent and agent_wait are the launcher's (bin/lib/shipped.sh); read here too, so that a bad value is
        // reported rather than silently replaced by the default there, and so that check and status can tell.
        int agentWait = agent.intInRange("agent_wait", DEFAULT_AGENT_WAIT, 0, 3600,
                "the seconds a push waits for a running agent to ship the file (0 = never wait)");
        Path spool = agent.path(agent.optional("spool_directory").orElse(SpoolLayout.DEFAULT_ROOT.toString()));
        return new AgentConfig(file, receivers, server, agent.readableFile("ca_file"), agent.readableFile("cert_file"),
                agent.readableFile("key_file"), prefetch, SpoolLayout.of(spool, server), pushConcurrency,
                agent.bool("start_agent", DEFAULT_START_AGENT), agentWait, agent.optional("conninfo"),
                MetricsListen.of(agent), wireCompression(agent), fetchCompression(agent));
    }

    /** Whether a push in the data directory starts the agent when none runs for it. */
    public boolean pushStartsAgent() {
        return startAgent && agentWait > 0;
    }

    private static WireCompression wireCompression(IniSection agent) throws ConfigException {
        return switch (agent.optional("wire_compression").orElse("shared").toLowerCase(Locale.ROOT)) {
            case "zstd" -> WireCompression.ZSTD;
            case "none" -> WireCompression.NONE;
            case "shared" -> WireCompression.SHARED;
            default -> throw agent.invalid("wire_compression", "zstd, none or shared");
        };
    }

    private static FetchCompression fetchCompression(IniSection agent) throws ConfigException {
        return switch (agent.optional("fetch_compression").orElse("zstd").toLowerCase(Locale.ROOT)) {
            case "zstd" -> FetchCompression.ZSTD;
            case "none" -> FetchCompression.NONE;
            default -> throw agent.invalid("fetch_compression", "zstd or none");
        };
    }

    /** The same configuration with only {@code receiver}, as a check of that one receiver uses it. */
    public AgentConfig onlyReceiver(InetSocketAddress receiver) {
        return new AgentConfig(file, ReceiverAddresses.of(receiver), server, caFile, certFile, keyFile, prefetch, spool,
                pushConcurrency, startAgent, agentWait, conninfo, metricsListen, wireCompression,
                fetchCompression);
    }

    public String receiverText() {
        return receivers.text();
    }
}
