package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The receiver against Barman's xlog.db lock, held by a real second process ({@code flock(1)} on Barman's lock
 * file, as every Barman command that touches xlog.db holds it) while PostgreSQL archives through walship. The
 * receiver waits, says so in its log, gives up after lock_timeout, and acknowledges nothing it has not indexed:
 * PostgreSQL keeps the segment until the receiver has it stored and indexed. (BarmanInteropIT has Barman itself
 * hold the lock, during barman delete.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LockInterplayIT {

    private static final String SERVER = "pg";
    private static final int LOCK_TIMEOUT_SECONDS = 4;
    private static final Duration ARCHIVE_TIMEOUT = Duration.ofSeconds(90);
    private static final Path FLOCK = Path.of("/usr/bin/flock");

    private final TestBed bed = new TestBed("walship-lock-it-");
    private ExpectedBarmanLayout store;
    private Path lockFile;
    private ReceiverProcess receiver;
    private PostgresCluster cluster;

    @BeforeAll
    void archiveThroughAReceiverWithAShortLockTimeout() throws IOException {
        if (!Files.isExecutable(FLOCK)) {
            fail(FLOCK + " is missing; .ci/run must install util-linux");
        }
        CaDirectory certs = bed.ca("certs").issue("receiver", "127.0.0.1").issue("pg-agent");
        Path barmanHome = bed.directory("barman");
        store = new ExpectedBarmanLayout(barmanHome);
        lockFile = barmanHome.resolve("." + SERVER + "-xlogdb.lock");
        receiver = bed.startReceiver(ReceiverConfigFile.barmanHome(barmanHome).tls(certs, "receiver")
                .set("compression", "gzip").set("lock_timeout", LOCK_TIMEOUT_SECONDS).server(SERVER, "pg-agent"));
        PostgresAgentDir agent = bed.postgresAgent(certs, "pg-agent");
        Path agentConfig = agent.write("agent.conf", agent.config(SERVER, receiver.port()));
        cluster = bed.archivingCluster(ShellCommand.push(bed.launcherForPostgres(), agentConfig));
        // The first segment pins the cluster and creates xlog.db.
        cluster.waitArchived(cluster.switchWal(), ARCHIVE_TIMEOUT);
    }

    @AfterAll
    void stopEverything() throws Exception {
        bed.close();
    }

    @Test
    @Order(1)
    void anUploadWaitsForTheLockAndIsAcknowledgedOnlyOnceIndexed() throws IOException {
        long failuresBefore = failedCount();
        try (Background holder = holdLock()) {
            int logMark = receiver.stderr().length();
            String segment = cluster.switchWal();
            awaitLog(logMark, "waiting up to " + LOCK_TIMEOUT_SECONDS + " s for " + lockFile
                    + ", held by another process");

            assertNothingOf(segment, "while another process holds the lock");
            assertTrue(holder.alive(), holder.describe("let go of the lock too early for this test"));
            holder.closeStdin();
            assertEquals(0, holder.await(Duration.ofSeconds(30)).exitCode(), holder.describe("failed"));

            cluster.waitArchived(segment, ARCHIVE_TIMEOUT);
            assertIndexedOnce(segment);
            assertEquals(failuresBefore, failedCount(), "expected the upload to wait, not to fail: the lock came back "
                    + "within lock_timeout");
        }
    }

    @Test
    @Order(2)
    void whileTheLockStaysTakenUploadsFailAndPostgresKeepsTheSegment() throws IOException {
        long failuresBefore = failedCount();
        String segment;
        try (Background holder = holdLock()) {
            int logMark = receiver.stderr().length();
            segment = cluster.switchWal();
            boolean failed = PostgresCluster.poll(Duration.ofSeconds(60), () -> failedCount() > failuresBefore);
            assertTrue(failed, "expected PostgreSQL to count a failed archive_command for " + segment
                    + " while the lock is held\n--- receiver log ---\n" + receiver.stderr());
            awaitLog(logMark, "timed out after " + LOCK_TIMEOUT_SECONDS + " s waiting for the lock on " + lockFile);
            assertEquals(segment, cluster.psql("select last_failed_wal from pg_stat_archiver;"));
            assertNothingOf(segment, "after the receiver gave up waiting for the lock");
            assertTrue(holder.alive(), holder.describe("let go of the lock too early for this test"));
            holder.closeStdin();
            assertEquals(0, holder.await(Duration.ofSeconds(30)).exitCode(), holder.describe("failed"));
        }
        // PostgreSQL retries on its own; the retry finds the lock free.
        cluster.waitArchived(segment, ARCHIVE_TIMEOUT);
        assertIndexedOnce(segment);
        try (Stream<Path> files = Files.walk(store.serverDir(SERVER).resolve("wals"))) {
            List<Path> hidden = files.filter(p -> p.getFileName().toString().startsWith(".")).toList();
            assertEquals(List.of(), hidden, "expected no temporary file left behind by the failed uploads");
        }
    }

    // ---- helpers ----

    /** {@code flock -x} on Barman's lock file, held until stdin closes. */
    private Background holdLock() throws IOException {
        Background holder = Background.start(List.of(FLOCK.toString(), "--exclusive", lockFile.toString(),
                "sh", "-c", "echo held; exec cat"), bed.dir());
        try {
            holder.awaitStdout("held", Duration.ofSeconds(30));
            return holder;
        } catch (IOException | RuntimeException | AssertionError e) {
            holder.close();
            throw e;
        }
    }

    private void awaitLog(int mark, String text) throws IOException {
        boolean logged = PostgresCluster.poll(Duration.ofSeconds(30), () -> receiver.stderr().substring(mark)
                .contains(text));
        assertTrue(logged, "expected the receiver to log '" + text + "':\n" + receiver.stderr().substring(mark));
    }

    /** Neither stored, nor indexed, nor marked archived by PostgreSQL. */
    private void assertNothingOf(String segment, String when) throws IOException {
        assertFalse(Files.exists(store.walPath(SERVER, segment)), "expected no stored " + segment + " " + when);
        assertTrue(Files.readAllLines(store.xlogDb(SERVER)).stream().noneMatch(l -> l.startsWith(segment + "\t")),
                "expected " + segment + " not indexed " + when);
        assertTrue(Files.exists(cluster.dataDir().resolve("pg_wal/archive_status/" + segment + ".ready")),
                "expected PostgreSQL to keep " + segment + " waiting for archiving " + when);
    }

    private void assertIndexedOnce(String segment) throws IOException {
        List<XlogDbEntry> entries = store.xlogDbEntries(SERVER).stream().filter(e -> e.name().equals(segment))
                .toList();
        assertEquals(1, entries.size(), "expected " + segment + " indexed once: " + store.xlogDbEntries(SERVER));
        assertEquals(Files.size(store.walPath(SERVER, segment)), entries.getFirst().size());
    }

    private long failedCount() throws IOException {
        return Long.parseLong(cluster.psql("select failed_count from pg_stat_archiver;"));
    }
}
