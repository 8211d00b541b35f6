package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The read-ahead agent's metrics with real processes: a PostgreSQL 15 cluster archiving through
 * {@code walship push}, {@code walship agent} beside it with metrics_listen, as the postgres user, and a
 * {@code walship receiver} with metrics_listen on a fixed port. Both endpoints are scraped over HTTP: what the
 * agent counts as shipped is what the receiver counts as stored, and while the receiver is down the agent shows
 * itself held back with a growing backlog, the inputs of the alert README.md gives.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentMetricsIT {

    private static final String SERVER = "pg";
    private static final long SEGMENT_SIZE = 16L * 1024 * 1024;
    private static final int SEGMENTS = 4;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String HELD_BACK = "walship_agent_held_back{server=\"pg\"}";
    private static final String READY = "walship_agent_ready_files{server=\"pg\"}";
    private static final String OLDEST_READY_AGE = "walship_agent_oldest_ready_age_seconds{server=\"pg\"}";
    private static final String LAG_BYTES = "walship_agent_archive_lag_bytes{server=\"pg\"}";

    private final TestBed bed = new TestBed("walship-agent-metrics-it-");
    private ExpectedBarmanLayout store;
    private FixedPortReceiver receiver;
    private Path agentConfig;
    private PostgresCluster cluster;
    private AgentProcess agent;
    private String agentMetrics;
    private final List<String> segments = new ArrayList<>();

    @BeforeAll
    void startReceiverClusterAndAgent() throws IOException {
        CaDirectory certs = bed.ca("certs").issue("receiver", "127.0.0.1").issue("pg-agent");
        Path barmanHome = bed.directory("barman");
        store = new ExpectedBarmanLayout(barmanHome);
        receiver = FixedPortReceiver.configure(bed, ReceiverConfigFile.barmanHome(barmanHome).tls(certs, "receiver")
                .set("metrics_listen", "127.0.0.1:0").server(SERVER, "pg-agent"));
        receiver.start();

        PostgresAgentDir agentFiles = bed.postgresAgent(certs, "pg-agent");
        Path spool = bed.postgresDirectory("spool");
        // The agent is the one this test starts, whose metrics it scrapes.
        agentConfig = agentFiles.write("agent.conf", agentFiles.config(SERVER, receiver.port())
                .set("spool_directory", spool).set("metrics_listen", "127.0.0.1:0").set("start_agent", "no")
                // Byte for byte: the receiver counts what crossed the wire, the agent the files' bytes.
                .set("wire_compression", "none"));
        // Registered before the cluster, so it runs once the cluster is down: no agent of this config outlives it.
        bed.closeLater(() -> AgentProcess.endAgentsFor(agentConfig));
        Path launcher = bed.launcherForPostgres();
        cluster = bed.archivingCluster(ShellCommand.push(launcher, agentConfig), Map.of(
                "wal_keep_size", "2GB",
                "max_wal_size", "4GB",
                "checkpoint_timeout", "1h"));
        agent = bed.closeLater(AgentProcess.start(launcher, agentConfig, cluster.dataDir(), bed.resolve("agent.log"),
                TIMEOUT));
        agentMetrics = Scrape.urlIn(agent.log());
    }

    @AfterAll
    void stopEverything() throws Exception {
        bed.close();
    }

    @Test
    @Order(1)
    void whatTheAgentCountsAsShippedIsWhatTheReceiverCountsAsStored() throws Exception {
        for (int i = 0; i < SEGMENTS; i++) {
            segments.add(cluster.switchWal());
        }
        for (String segment : segments) {
            cluster.waitArchived(segment, TIMEOUT);
        }

        // Less than a segment: only what PostgreSQL wrote into the segment after the last one it archived.
        Scrape shipped = Scrape.await(agentMetrics, TIMEOUT, "nothing left ready and no segment of lag", scrape ->
                scrape.find(READY).orElse(-1.0) == 0 && scrape.find(LAG_BYTES).orElse(-1.0) >= 0
                        && scrape.find(LAG_BYTES).orElse(-1.0) < SEGMENT_SIZE, this::agentLog);
        Scrape stored = Scrape.of(receiverMetrics());

        assertEquals(SEGMENTS, shipped.count("walship_agent_shipped_files_total{result=\"stored\",server=\"pg\"}"),
                shipped.text() + agentLog());
        assertEquals(0, shipped.count("walship_agent_shipped_files_total{result=\"already_stored\",server=\"pg\"}"));
        assertEquals(SEGMENTS * SEGMENT_SIZE, shipped.count("walship_agent_shipped_bytes_total{server=\"pg\"}"));
        assertEquals(SEGMENTS, shipped.count("walship_agent_upload_duration_seconds_count{server=\"pg\"}"));
        assertEquals(0, shipped.count("walship_agent_upload_failures_total{server=\"pg\"}"));
        assertEquals(0, shipped.count(HELD_BACK));
        assertEquals(0, shipped.count(OLDEST_READY_AGE));

        assertEquals(SEGMENTS, stored.count("walship_receiver_uploads_total{result=\"stored\",server=\"pg\"}"),
                "every segment shipped once, by the agent: " + stored.text());
        assertEquals(0, stored.count("walship_receiver_uploads_total{result=\"already_stored\",server=\"pg\"}"));
        assertEquals(SEGMENTS * SEGMENT_SIZE, stored.count("walship_receiver_received_bytes_total{server=\"pg\"}"));
        long onDisk = 0;
        for (String segment : segments) {
            onDisk += Files.size(store.walPath(SERVER, segment));
        }
        assertEquals(onDisk, stored.count("walship_receiver_stored_bytes_total{server=\"pg\"}"));
    }

    @Test
    @Order(2)
    void whileTheReceiverIsDownTheAgentIsHeldBackAndItsBacklogAges() throws Exception {
        receiver.stop();
        String first = cluster.switchWal();
        String second = cluster.switchWal();

        // Both switched segments are behind PostgreSQL's position: at least their bytes.
        Scrape held = Scrape.await(agentMetrics, TIMEOUT, "the agent held back with both segments ready", scrape ->
                scrape.find(HELD_BACK).orElse(0.0) == 1 && scrape.find(READY).orElse(0.0) >= 2
                        && scrape.find(OLDEST_READY_AGE).orElse(0.0) >= 2
                        && scrape.find(LAG_BYTES).orElse(0.0) >= 2 * SEGMENT_SIZE, this::agentLog);
        assertTrue(held.count("walship_agent_upload_failures_total{server=\"pg\"}") >= 1, held.text());

        receiver.start();
        cluster.waitArchived(first, TIMEOUT);
        cluster.waitArchived(second, TIMEOUT);
        Scrape released = Scrape.await(agentMetrics, TIMEOUT, "the agent released with nothing ready", scrape ->
                scrape.find(HELD_BACK).orElse(1.0) == 0 && scrape.find(READY).orElse(1.0) == 0
                        && scrape.find(LAG_BYTES).orElse((double) SEGMENT_SIZE) < SEGMENT_SIZE, this::agentLog);
        assertEquals(0, released.count(OLDEST_READY_AGE));
    }

    /** The running receiver's endpoint: each start serves it on a port of its own. */
    private String receiverMetrics() throws IOException {
        return Scrape.urlIn(receiver.running().stderr());
    }

    private String agentLog() throws IOException {
        return "\n--- agent log (tail) ---\n" + Tail.of(agent.log(), 30);
    }
}
