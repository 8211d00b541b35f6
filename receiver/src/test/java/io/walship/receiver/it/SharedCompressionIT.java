package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code wire_compression = shared} with real processes: a PostgreSQL 15 cluster with a backlog of ready
 * segments, {@code walship agent} started on it as the postgres user, and a {@code walship receiver} storing
 * zstd. The agent compresses one upload at a time and sends the one it starts meanwhile plain; the receiver keeps
 * the first as sent and compresses the second, and either way stores each segment's exact bytes, once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedCompressionIT {

    private static final String SERVER = "pg";
    private static final int BACKLOG = 8;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final TestBed bed = new TestBed("walship-shared-compression-it-");
    private ExpectedBarmanLayout store;
    private Path agentConfig;
    private Path launcher;
    private PostgresCluster cluster;

    @BeforeAll
    void startReceiverAndClusterWithABacklog() throws IOException {
        CaDirectory certs = bed.ca("certs").issue("receiver", "127.0.0.1").issue("pg-agent");
        Path barmanHome = bed.directory("barman");
        store = new ExpectedBarmanLayout(barmanHome);
        FixedPortReceiver receiver = FixedPortReceiver.configure(bed, ReceiverConfigFile.barmanHome(barmanHome)
                .tls(certs, "receiver").set("compression", "zstd").set("barman_version", "none")
                .server(SERVER, "pg-agent"));
        receiver.start();

        PostgresAgentDir agentFiles = bed.postgresAgent(certs, "pg-agent");
        agentConfig = agentFiles.write("agent.conf", agentFiles.config(SERVER, receiver.port())
                .set("spool_directory", bed.postgresDirectory("spool")).set("start_agent", "no")
                .set("wire_compression", "shared").set("push_concurrency", 2));
        bed.closeLater(() -> AgentProcess.endAgentsFor(agentConfig));
        launcher = bed.launcherForPostgres();
        // Nothing is archived until the agent runs: the segments pile up as .ready files, a backlog.
        cluster = bed.archivingCluster("exit 1", Map.of("wal_keep_size", "1GB", "max_wal_size", "2GB",
                "checkpoint_timeout", "1h"));
    }

    @AfterAll
    void stopEverything() throws Exception {
        bed.close();
    }

    @Test
    void aBacklogGoesPartlyCompressedPartlyPlainAndEverySegmentIsStoredExactlyOnce() throws IOException {
        List<String> backlog = new ArrayList<>();
        for (int i = 0; i < BACKLOG; i++) {
            cluster.psql("CREATE TABLE IF NOT EXISTS t (v text); INSERT INTO t SELECT md5(g::text) FROM "
                    + "generate_series(1, 20000) g");
            backlog.add(cluster.switchWal());
        }

        AgentProcess agent = bed.closeLater(AgentProcess.start(launcher, agentConfig, cluster.dataDir(),
                bed.resolve("agent.log"), TIMEOUT));
        cluster.psql("ALTER SYSTEM SET archive_command = '" + ShellCommand.push(launcher, agentConfig)
                .replace("'", "''") + "'");
        cluster.psql("SELECT pg_reload_conf()");
        for (String name : backlog) {
            cluster.waitArchived(name, TIMEOUT);
        }

        String log = agent.log();
        for (String name : backlog) {
            assertTrue(log.contains("shipped " + name + " ("), "expected the agent to have shipped " + name
                    + ":\n" + Tail.of(log, 20));
            Path stored = store.walPath(SERVER, name);
            byte[] original = Files.readAllBytes(cluster.dataDir().resolve("pg_wal").resolve(name));
            byte[] restored = StoredCodec.decompress(Files.readAllBytes(stored));
            assertTrue(Arrays.equals(original, restored), () -> "expected " + stored + " to decompress to pg_wal's "
                    + name + ", differing from index " + Arrays.mismatch(original, restored));
        }
        assertTrue(log.contains(", zstd on the wire, "), "expected uploads compressed by the agent:\n" + log);
        assertTrue(log.contains(", plain on the wire, "), "expected uploads sent plain while one was compressed "
                + "(two at a time, push_concurrency = 2):\n" + log);
        List<String> indexed = store.xlogDbEntries(SERVER).stream().map(XlogDbEntry::name)
                .filter(backlog::contains).sorted().toList();
        assertEquals(backlog, indexed, "expected xlog.db to list each segment of the backlog once");
    }
}
