package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code walship status} against a real PostgreSQL archiving into a real receiver: the lag grows while the receiver
 * is down, with push's reason for the failures, and goes back to nothing once it is up again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusIT {

    private static final String SERVER = "pg";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int SWITCHES = 3;

    private final TestBed bed = new TestBed("walship-status-it-");
    private FixedPortReceiver receiver;
    private Path agentConfig;
    private PostgresCluster cluster;

    @BeforeAll
    void startReceiverAndCluster() throws IOException {
        CaDirectory certs = bed.ca("certs").issue("receiver", "127.0.0.1").issue("pg-agent");
        receiver = FixedPortReceiver.configure(bed, ReceiverConfigFile.barmanHome(bed.directory("barman"))
                .tls(certs, "receiver").set("compression", "zstd").set("barman_version", "none").server(SERVER, "pg-agent"));
        receiver.start();
        PostgresAgentDir agentFiles = bed.postgresAgent(certs, "pg-agent");
        // Each push sends its own file, and records its failures for status.
        agentConfig = agentFiles.write("agent.conf", agentFiles.config(SERVER, receiver.port())
                .set("spool_directory", bed.postgresDirectory("spool")).set("start_agent", "no"));
        cluster = bed.archivingCluster(ShellCommand.push(bed.launcherForPostgres(), agentConfig), Map.of(
                "wal_keep_size", "1GB", "checkpoint_timeout", "1h"));
        cluster.waitArchived(cluster.switchWal(), TIMEOUT);
    }

    @AfterAll
    void stopEverything() throws Exception {
        bed.close();
    }

    @Test
    void theLagGrowsWhileTheReceiverIsDownAndShrinksAfter() throws IOException {
        JsonNode before = json();
        assertEquals(0, before.get("lag_segments").asLong(), before.toPrettyString());
        assertEquals(0, before.get("lag_seconds").asLong(), before.toPrettyString());
        assertEquals(0, before.get("ready_count").asInt(), before.toPrettyString());
        assertFalse(before.get("agent").get("running").asBoolean(), before.toPrettyString());
        assertTrue(before.get("last_archived_wal").asText().matches("[0-9A-F]{24}"), before.toPrettyString());

        receiver.stop();
        String firstUnarchived = null;
        for (int i = 0; i < SWITCHES; i++) {
            String segment = cluster.switchWal();
            firstUnarchived = firstUnarchived == null ? segment : firstUnarchived;
        }
        String failing = firstUnarchived;
        assertTrue(PostgresCluster.poll(TIMEOUT, () -> json().path("last_failure").path("wal").asText()
                .equals(failing)), "PostgreSQL never reported a failed archive_command");

        // Whole seconds: the oldest .ready file may be younger than one when the first failure shows.
        assertTrue(PostgresCluster.poll(TIMEOUT, () -> json().path("lag_seconds").asLong() > 0),
                "lag_seconds never grew while the receiver was down");

        JsonNode down = json();
        assertTrue(down.get("lag_seconds").asLong() > 0, down.toPrettyString());
        assertEquals(SWITCHES, down.get("lag_segments").asLong(), down.toPrettyString());
        assertTrue(down.get("lag_bytes").asLong() >= SWITCHES * (16L << 20), down.toPrettyString());
        assertEquals(SWITCHES, down.get("ready_count").asInt(), down.toPrettyString());
        assertTrue(down.get("last_failure").get("message").asText().contains("cannot connect to receiver"),
                down.toPrettyString());
        assertFalse(down.get("last_failure").get("resolved").asBoolean(), down.toPrettyString());
        Proc.Result text = status();
        assertEquals(0, text.exitCode(), text.describe());
        assertTrue(text.stdout().contains("\tarchive lag: " + SWITCHES + " segments waiting, "), text.stdout());
        assertTrue(text.stdout().contains("\tlast failure: " + failing + " at "), text.stdout());

        receiver.start();
        cluster.waitAllArchived(TIMEOUT);

        JsonNode after = json();
        assertEquals(0, after.get("lag_segments").asLong(), after.toPrettyString());
        assertTrue(after.get("lag_seconds").isIntegralNumber(), after.toPrettyString());
        assertEquals(0, after.get("lag_seconds").asLong(), after.toPrettyString());
        assertEquals(0, after.get("ready_count").asInt(), after.toPrettyString());
        assertTrue(after.get("last_failure").get("resolved").asBoolean(), after.toPrettyString());
    }

    private JsonNode json() throws IOException {
        Proc.Result result = status("--json");
        assertEquals(0, result.exitCode(), result.describe());
        return new ObjectMapper().readTree(result.stdout());
    }

    private Proc.Result status(String... more) throws IOException {
        List<String> command = new ArrayList<>(List.of(bed.launcherForPostgres().toString(), "status", "--config",
                agentConfig.toString(), "--pgdata", cluster.dataDir().toString()));
        command.addAll(List.of(more));
        return Proc.run(RunAs.postgres(command), bed.dir(), null, Duration.ofSeconds(60));
    }
}
