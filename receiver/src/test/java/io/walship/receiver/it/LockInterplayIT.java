package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.walship.testing.AgentConfigFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    /** A second server of the same receiver, whose lock nobody holds. */
    private static final String OTHER = "other";
    /** More waiting uploads than the receiver has ingest threads (two on a two-core host). */
    private static final int WAITING_UPLOADS = 4;
    private static final int LOCK_TIMEOUT_SECONDS = 4;
    private static final int PATIENT_LOCK_TIMEOUT_SECONDS = 20;
    private static final Duration ARCHIVE_TIMEOUT = Duration.ofSeconds(90);
    private static final Path FLOCK = Path.of("/usr/bin/flock");

    private final TestBed bed = new TestBed("walship-lock-it-");
    private ExpectedBarmanLayout store;
    private Path lockFile;
    private ReceiverProcess receiver;
    private PostgresCluster cluster;
    private CaDirectory certs;
    private Path barmanHome;

    @BeforeAll
    void archiveThroughAReceiverWithAShortLockTimeout() throws IOException {
        if (!Files.isExecutable(FLOCK)) {
            fail(FLOCK + " is missing; .ci/run must install util-linux");
        }
        certs = bed.ca("certs").issue("receiver", "127.0.0.1").issue("pg-agent").issue("other-agent");
        barmanHome = bed.directory("barman");
        store = new ExpectedBarmanLayout(barmanHome);
        lockFile = barmanHome.resolve("." + SERVER + "-xlogdb.lock");
        receiver = bed.startReceiver(receiverConfig(barmanHome, LOCK_TIMEOUT_SECONDS));
        PostgresAgentDir agent = bed.postgresAgent(certs, "pg-agent");
        // Each push sends its own file, so that each one meets Barman's lock itself.
        Path agentConfig = agent.write("agent.conf", agent.config(SERVER, receiver.port()).set("start_agent", "no"));
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
                    + ", held by pid " + holder.pid() + " (" + FLOCK + " --exclusive " + lockFile);

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
            awaitLog(logMark, "waited " + LOCK_TIMEOUT_SECONDS + " s (lock_timeout) for Barman's lock " + lockFile
                    + ", held by pid " + holder.pid());
            assertEquals(segment, cluster.psql("select last_failed_wal from pg_stat_archiver;"));
            assertNothingOf(segment, "after the receiver gave up waiting for the lock");
            assertTrue(holder.alive(), holder.describe("let go of the lock too early for this test"));
            holder.closeStdin();
            assertEquals(0, holder.await(Duration.ofSeconds(30)).exitCode(), holder.describe("failed"));
        }
        // PostgreSQL retries on its own; the retry finds the lock free.
        cluster.waitArchived(segment, ARCHIVE_TIMEOUT);
        assertIndexedOnce(segment);
        assertEquals(List.of(), store.hiddenFiles(SERVER), "expected no temporary file left behind by the failed "
                + "uploads");
    }

    @Test
    @Order(3)
    void whileOneServersLockIsHeldAnotherServerArchivesAndRestoresAndEveryWaitEndsWithinTheTimeout()
            throws IOException {
        // A second receiver on the same archive, whose lock_timeout leaves time for the JVMs of the pushes and
        // fetches below: what it shows is their order, not how long anything took.
        ReceiverProcess patient = bed.startReceiver("patient-receiver", receiverConfig(barmanHome, PATIENT_LOCK_TIMEOUT_SECONDS));
        Path pgConfig = agentConfig(SERVER, "pg-agent", patient.port());
        Path otherConfig = agentConfig(OTHER, "other-agent", patient.port());
        List<Long> idleMillis = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            idleMillis.add(pushAndFetch(otherConfig, String.format("%08X.history", 0x30 + i)));
        }
        System.out.println("push + fetch of a history file to the other server of an idle receiver, ms: "
                + idleMillis);
        List<Background> waiting = new ArrayList<>();
        try (Background holder = holdLock()) {
            long started = System.nanoTime();
            for (int i = 0; i < WAITING_UPLOADS; i++) {
                String name = String.format("%08X.history", 0x20 + i);
                waiting.add(Background.start(List.of(bed.launcher().executable().toString(), "push", "--config",
                        pgConfig.toString(), historyFile(name).toString(), name), bed.dir()));
            }
            boolean logged = PostgresCluster.poll(Duration.ofSeconds(30), () -> patient.stderr().contains(
                    "waiting up to " + PATIENT_LOCK_TIMEOUT_SECONDS + " s for " + lockFile));
            assertTrue(logged, "expected the uploads to wait for the lock:\n" + patient.stderr());

            List<Long> otherMillis = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                otherMillis.add(pushAndFetch(otherConfig, String.format("%08X.history", 0x40 + i)));
                for (Background upload : waiting) {
                    assertTrue(upload.alive(), "expected every upload to " + SERVER + " to be waiting for its lock "
                            + "while the other server was served: " + upload.describe("ended"));
                }
            }
            System.out.println("push + fetch of a history file to the other server while " + SERVER + "'s lock "
                    + "is held, ms: " + otherMillis);

            List<Long> waitedMillis = new ArrayList<>();
            for (Background upload : waiting) {
                Proc.Result result = upload.await(Duration.ofSeconds(60));
                waitedMillis.add((System.nanoTime() - started) / 1_000_000);
                assertTrue(result.exitCode() != 0, result.describe());
                assertTrue(result.stderr().contains("waited " + PATIENT_LOCK_TIMEOUT_SECONDS + " s (lock_timeout) for "
                        + "Barman's lock " + lockFile + ", held by pid " + holder.pid()), result.describe());
                assertEquals(1, result.stderr().strip().lines().count(), "one line: " + result.describe());
            }
            System.out.println("uploads to " + SERVER + " answered after, ms: " + waitedMillis + " (lock_timeout "
                    + PATIENT_LOCK_TIMEOUT_SECONDS + " s)");
            assertTrue(holder.alive(), holder.describe("let go of the lock too early for this test"));
            holder.closeStdin();
            assertEquals(0, holder.await(Duration.ofSeconds(30)).exitCode(), holder.describe("failed"));
        } finally {
            for (Background upload : waiting) {
                upload.close();
            }
            patient.close();
        }
    }

    // ---- helpers ----

    private ReceiverConfigFile receiverConfig(Path barmanHome, int lockTimeoutSeconds) {
        return ReceiverConfigFile.barmanHome(barmanHome).tls(certs, "receiver").set("compression", "gzip")
                .set("lock_timeout", lockTimeoutSeconds).server(SERVER, "pg-agent").server(OTHER, "other-agent");
    }

    /** For pushes and fetches the test makes itself, as root: absolute paths, a spool of its own. */
    private Path agentConfig(String server, String client, int port) throws IOException {
        return AgentConfigFile.forServer(server, port)
                .tls(certs.caCertificate(), certs.certificate(client), certs.key(client))
                .set("spool_directory", bed.resolve("pushes/" + client + "-" + port))
                .writeTo(bed.directory("pushes").resolve(client + "-" + port + ".conf"));
    }

    /** Pushes a history file and fetches it back, both of which must succeed; how long the two took, in ms. */
    private long pushAndFetch(Path config, String name) throws IOException {
        long started = System.nanoTime();
        bed.launcher().run("push", "--config", config.toString(), historyFile(name).toString(), name)
                .assertSuccess("push of " + name);
        Path fetched = bed.resolve("fetched-" + name);
        bed.launcher().run("fetch", "--config", config.toString(), name, fetched.toString())
                .assertSuccess("fetch of " + name);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(Files.readString(historyFile(name)), Files.readString(fetched));
        return millis;
    }

    private Path historyFile(String name) throws IOException {
        Path file = bed.directory("pushes").resolve(name);
        if (!Files.exists(file)) {
            Files.writeString(file, "1\t0/3000000\tno recovery target specified\n");
        }
        return file;
    }

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
