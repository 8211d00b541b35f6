package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.walship.testing.AgentConfigFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults with real processes while a PostgreSQL 15 cluster archives through {@code walship push}: the receiver
 * killed with SIGKILL or stopped mid-transfer and started again on its port, a push and the read-ahead agent
 * killed mid-transfer, a second cluster and a changed segment size pointed at the same Barman server. Whatever
 * happens, what PostgreSQL counts as archived is stored byte for byte and indexed once, and nothing else is.
 * One receiver and one cluster serve every case, in order; the last one changes the cluster's segment size.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultIT {

    private static final String SERVER = "pg";
    /** The server the large segment goes to: its 1 GiB segments would be refused by pg's pinned 16 MiB. */
    private static final String BULK = "bulk";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** Between the load's segment switches: about what a push takes (mostly its JVM start), so uploads hardly pause. */
    private static final Duration LOAD_PAUSE = Duration.ofMillis(1000);
    /** Short enough to catch an upload of a 16 MiB segment under way, which lasts about 100 ms. */
    private static final long TIGHT_POLL_NANOS = Duration.ofMillis(2).toNanos();
    private static final int STOPS = 2;
    private static final int EXIT_SIGKILL = 128 + 9;
    private static final int EXIT_REJECTED = 5;
    private static final String REFUSAL = "walship push: ";

    private final TestBed bed = new TestBed("walship-fault-it-");
    private CaDirectory certs;
    private ExpectedBarmanLayout store;
    private StoreAudit audit;
    private StoreAudit bulkAudit;
    private FixedPortReceiver receiver;
    private PostgresAgentDir agentFiles;
    private Path launcher;
    private Path agentConfig;
    private Path shipped;
    private PostgresCluster cluster;
    private AgentProcess agent;

    @BeforeAll
    void startReceiverAndArchivingCluster() throws IOException {
        certs = bed.ca("certs").issue("receiver", "127.0.0.1").issue("pg-agent");
        Path barmanHome = bed.directory("barman");
        store = new ExpectedBarmanLayout(barmanHome);
        audit = new StoreAudit(store, SERVER);
        bulkAudit = new StoreAudit(store, BULK);
        receiver = FixedPortReceiver.configure(bed, ReceiverConfigFile.barmanHome(barmanHome).tls(certs, "receiver")
                .set("compression", "zstd").set("barman_version", "none").server(SERVER, "pg-agent").server(BULK, "pg-agent"));
        receiver.start();

        agentFiles = bed.postgresAgent(certs, "pg-agent");
        Path spool = bed.postgresDirectory("spool");
        shipped = spool.resolve(SERVER).resolve("shipped");
        // The agent runs only where a case starts it; otherwise each push sends its own file.
        agentConfig = agentFiles.write("agent.conf", agentFiles.config(SERVER, receiver.port())
                .set("spool_directory", spool).set("push_concurrency", 3).set("start_agent", "no"));
        // Registered before the cluster, so it runs once the cluster is down: no agent of this config outlives it.
        bed.closeLater(() -> AgentProcess.endAgentsFor(agentConfig));
        launcher = bed.launcherForPostgres();
        cluster = bed.archivingCluster(ShellCommand.push(launcher, agentConfig), Map.of(
                // Archived segments stay in pg_wal (no checkpoint removes them), to be compared with the store.
                "wal_keep_size", "8GB",
                "max_wal_size", "8GB",
                "checkpoint_timeout", "1h"));
        // The first segment pins the server to this cluster and its 16 MiB segments.
        cluster.waitArchived(cluster.switchWal(), TIMEOUT);
    }

    @AfterAll
    void stopEverything() throws Exception {
        bed.close();
    }

    @Test
    @Order(1)
    void aPushKilledMidTransferLeavesNothingAndItsRetryStoresTheFileOnce() throws IOException {
        long started = System.nanoTime();
        Path segment = LargeSegment.write(bed.directory("large"), walFile(audit.indexed().getFirst()));
        Path config = AgentConfigFile.forServer(BULK, receiver.port())
                .tls(certs.caCertificate(), certs.certificate("pg-agent"), certs.key("pg-agent"))
                .set("spool_directory", bed.resolve("test-spool"))
                // Plain, so that the sparse gigabyte takes seconds to send: zstd makes it a few kilobytes.
                .set("wire_compression", "none").writeTo(bed.resolve("bulk-agent.conf"));
        List<String> command = List.of(bed.launcher().executable().toString(), "push", "--config", config.toString(),
                segment.toString(), LargeSegment.NAME);

        Proc.Result killed;
        List<Path> sending;
        try (Background push = Background.start(command, bed.dir())) {
            boolean uploading = tightPoll(TIMEOUT, () -> !bulkAudit.temps().isEmpty() || !push.alive());
            sending = bulkAudit.temps();
            assertTrue(uploading && push.alive(), push.describe("was to be killed while sending, with its temp"
                    + " file at the receiver; found " + sending) + receiver.logTail());
            // The launcher execs the JVM, so this is the pushing process itself.
            ProcessHandle.of(push.pid()).ifPresent(ProcessHandle::destroyForcibly);
            killed = push.await(TIMEOUT);
        }
        assertEquals(EXIT_SIGKILL, killed.exitCode(), "expected the push to die of SIGKILL mid-transfer, not to"
                + " finish first: " + killed.describe());

        assertTempFilesGo(bulkAudit, "the receiver to remove the temp file of the killed push once its connection"
                + " was gone");
        assertEquals(List.of(), storedFiles(BULK), "expected nothing stored for the killed push");

        bed.launcher().run("push", "--config", config.toString(), segment.toString(), LargeSegment.NAME)
                .assertSuccess("push of " + LargeSegment.NAME + " again after the killed one");
        assertEquals(List.of(LargeSegment.NAME), bulkAudit.indexed(), "expected the file indexed once");
        assertEquals(List.of(), bulkAudit.indexProblems());
        assertEquals("", LargeSegment.mismatch(segment, store.walPath(BULK, LargeSegment.NAME)));
        assertEquals(List.of(), bulkAudit.temps(), "expected no temp file after the stored push");
        System.out.printf("[fault] push of a 1 GiB segment killed while its temp file %s existed; the receiver"
                + " removed it, the re-push stored the file once; %d s%n",
                sending.stream().map(Path::getFileName).toList(), seconds(started));
    }

    @Test
    @Order(2)
    void aKilledAgentLeavesTheShippingToPushAndLosesNothingItAcknowledged() throws IOException {
        long started = System.nanoTime();
        ArchiveStatus before = ArchiveStatus.of(cluster);
        agent = bed.closeLater(AgentProcess.start(launcher, agentConfig, cluster.dataDir(),
                bed.resolve("agent.log"), TIMEOUT));
        List<String> switched;
        int atKill;
        Path uploading;
        try (WalLoad load = WalLoad.start(cluster, LOAD_PAUSE)) {
            await("the agent shipping two segments", () -> agent.logLines("shipped ") >= 2);
            // With an agent running, pushes wait for its records: the upload under way is the agent's.
            uploading = awaitUpload(Set.of());
            agent.kill();
            atKill = load.count();
            load.awaitMore(atKill, 5, TIMEOUT);
            switched = load.stop();
        }
        ArchiveStatus after = drain();

        List<String> afterKill = switched.subList(atKill, switched.size());
        assertEquals(List.of(), afterKill.stream().filter(n -> !after.done().contains(n)).toList(),
                "expected PostgreSQL to archive the segments switched after the agent was killed: "
                        + after.summary() + context());
        assertEquals(List.of(), AgentProcess.agentsFor(agentConfig), "expected no agent: push ships by itself");
        assertEquals(before.failedCount(), after.failedCount(), "expected no failed archive_command: a push"
                + " whose agent died sends the file itself" + context());
        List<String> records = records();
        assertEquals(List.of(), audit.differencesFrom(pgWal(), records), "expected every segment the agent"
                + " recorded as shipped stored as it is in pg_wal (records " + records + ")");
        assertEquals(List.of(), audit.unindexed(records), "expected every recorded segment indexed");
        assertArchiveMatchesPostgres(after);
        assertTempFilesGo(audit, "no temp file once the killed agent's connections were gone");
        System.out.printf("[fault] agent killed (SIGKILL) during the upload of %s after recording %d segments;"
                + " %d segments switched, %d of them after the kill, all archived with %d failed"
                + " archive_command; %d s%n", uploading.getFileName(), records.size(), switched.size(),
                afterKill.size(), after.failedCount() - before.failedCount(), seconds(started));
    }

    @Test
    @Order(3)
    void aReceiverStoppedAndStartedWhileArchivingLosesNothingAndIndexesNothingTwice() throws IOException {
        long started = System.nanoTime();
        ArchiveStatus before = ArchiveStatus.of(cluster);
        List<String> stoppedDuring = new ArrayList<>();
        List<String> switched;
        try (WalLoad load = WalLoad.start(cluster, LOAD_PAUSE)) {
            for (int stop = 0; stop < STOPS; stop++) {
                stopDuringAnUpload(stoppedDuring);
            }
            load.awaitMore(load.count(), 3, TIMEOUT);
            switched = load.stop();
        }
        ArchiveStatus after = drain();

        assertTrue(after.failedCount() > before.failedCount(), "expected PostgreSQL to see the stops: "
                + before.summary() + " -> " + after.summary());
        assertTrue(after.done().containsAll(switched), "expected every switched segment archived: " + switched
                + " vs " + after.summary());
        assertArchiveMatchesPostgres(after);
        // A receiver that stops cleans up the uploads it breaks off before it exits.
        List<Path> leftovers = audit.temps();
        assertEquals(List.of(), leftovers, "expected no temp file left by receivers that were stopped");
        System.out.printf("[fault] receiver stopped (SIGTERM) %d times mid-transfer (%s) and started again;"
                + " %d segments switched, %d failed archive_command, all archived; %d temp files left (hidden);"
                + " %d s%n", STOPS, stoppedDuring, switched.size(), after.failedCount() - before.failedCount(),
                leftovers.size(), seconds(started));
    }

    @Test
    @Order(4)
    void aReceiverKilledMidTransferLosesNothingIndexesNothingTwiceAndLeavesOnlyHiddenTempFiles()
            throws IOException {
        long started = System.nanoTime();
        ArchiveStatus before = ArchiveStatus.of(cluster);
        List<String> moments = new ArrayList<>();
        Instant lastKill;
        List<String> switched;
        try (WalLoad load = WalLoad.start(cluster, LOAD_PAUSE)) {
            load.awaitMore(load.count(), 2, TIMEOUT);
            Path early = awaitUpload(Set.copyOf(audit.temps()));
            lastKill = receiver.kill();
            moments.add("mid-transfer (" + early.getFileName() + ") at " + seconds(started) + " s");
            receiver.start();

            String indexed = awaitIndexAppend();
            lastKill = receiver.kill();
            moments.add("right after indexing " + indexed + " at " + seconds(started) + " s");
            receiver.start();

            // The first upload to the restarted receiver: the backlog of the time it was down.
            Path catchUp = awaitUpload(Set.copyOf(audit.temps()));
            lastKill = receiver.kill();
            moments.add("mid-transfer of the catch-up (" + catchUp.getFileName() + ") at " + seconds(started)
                    + " s");
            receiver.start();

            load.awaitMore(load.count(), 4, TIMEOUT);
            switched = load.stop();
        }
        long drainedFrom = seconds(started);
        ArchiveStatus after = drain();
        long drainedAt = seconds(started);

        assertTrue(after.failedCount() > before.failedCount(), "expected PostgreSQL to see the kills ("
                + moments + "): " + before.summary() + " -> " + after.summary());
        assertTrue(after.done().containsAll(switched), "expected every switched segment archived: " + switched
                + " vs " + after.summary());
        assertArchiveMatchesPostgres(after);
        // The start-up sweep removes only temp files unchanged for twice the read timeout (10 minutes): those
        // of the kills a moment ago stay, and must be harmless.
        List<Path> leftovers = audit.temps();
        assertEquals(List.of(), audit.tempProblems(lastKill), "expected only hidden temp files of killed"
                + " receivers, beside WAL files that are stored (found " + leftovers + ")");
        String reconciled = receiver.logs().lines().filter(l -> l.contains("which was stored but not in the index"))
                .collect(Collectors.joining("\n"));
        System.out.printf("[fault] receiver killed (SIGKILL) %d times: %s; %d segments switched, %d failed"
                + " archive_command, backlog drained from %d s to %d s, all archived; %d temp files left (hidden);"
                + " reconciled at start-up: %s; %d s%n", moments.size(), moments, switched.size(),
                after.failedCount() - before.failedCount(), drainedFrom, drainedAt, leftovers.size(),
                reconciled.isEmpty() ? "none" : reconciled, seconds(started));
    }

    @Test
    @Order(5)
    void aSecondClusterIsRefusedForItsSystemIdentifierStoresNothingAndTheFirstArchivesOn() throws IOException {
        long started = System.nanoTime();
        Path spool = bed.postgresDirectory("second-spool");
        Path config = agentFiles.write("second.conf", agentFiles.config(SERVER, receiver.port())
                .set("spool_directory", spool).set("start_agent", "no"));
        Map<String, String> before = store.snapshot();
        PostgresCluster second = bed.archivingCluster(ShellCommand.push(launcher, config));
        String refused = second.switchWal();
        await("the second cluster's archive_command failing", () -> ArchiveStatus.of(second).failedCount() > 0
                && !refusals(second.serverLog()).isEmpty());
        ArchiveStatus status = ArchiveStatus.of(second);
        // A fast stop lets the archiver finish its last try, so that no push of it runs while the store is read.
        second.stop();

        String log = second.serverLog();
        List<String> refusals = refusals(log);
        String firstId = cluster.systemIdentifier();
        String secondId = second.systemIdentifier();
        for (String refusal : refusals) {
            assertTrue(refusal.contains(refused) && refusal.contains(firstId) && refusal.contains(secondId),
                    "expected the refusal to name " + refused + ", system " + secondId + " and the archived system "
                            + firstId + ": " + refusal);
        }
        assertEachRefusalIsOneLineOfExitCode(log, EXIT_REJECTED);
        assertEquals(refused, status.lastFailedWal(), status.summary());
        assertEquals(0, status.archivedCount(), "expected nothing of the second cluster archived: "
                + status.summary());
        assertTrue(Files.exists(second.dataDir().resolve("pg_wal/archive_status/" + refused + ".ready")),
                "expected the second cluster to keep " + refused);
        assertEquals("", ExpectedBarmanLayout.diff(before, store.snapshot()),
                "expected nothing of the second cluster stored");

        String next = cluster.switchWal();
        cluster.waitArchived(next, TIMEOUT);
        assertEquals(List.of(), audit.differencesFrom(pgWal(), List.of(next)));
        System.out.printf("[fault] second cluster (system %s) refused %d times, e.g.: %s; the first cluster"
                + " archived %s after it; %d s%n", secondId, refusals.size(), refusals.getFirst(), next,
                seconds(started));
    }

    @Test
    @Order(6)
    void aChangedSegmentSizeIsRefusedStoresNothingAndPostgresKeepsTheFiles() throws IOException {
        long started = System.nanoTime();
        cluster.waitAllArchived(TIMEOUT);
        cluster.stop();
        cluster.resetWal("--wal-segsize=1");
        assertEquals("1048576", cluster.controlData("Bytes per WAL segment"));
        Map<String, String> before = store.snapshot();
        int logMark = cluster.serverLog().length();
        cluster.start();
        ArchiveStatus restarted = ArchiveStatus.of(cluster);
        List<String> refused = List.of(cluster.switchWal(), cluster.switchWal());
        await("the archive_command failing for " + refused.getFirst(), () -> ArchiveStatus.of(cluster)
                .failedCount() > restarted.failedCount() && !refusals(cluster.serverLog().substring(logMark))
                .isEmpty());
        ArchiveStatus status = ArchiveStatus.of(cluster);
        cluster.stop();

        String log = cluster.serverLog().substring(logMark);
        List<String> refusals = refusals(log);
        for (String refusal : refusals) {
            assertTrue(refusal.contains(refused.getFirst()) && refusal.contains("1 MiB")
                            && refusal.contains("segments of 16 MiB"),
                    "expected the refusal to say that " + refused.getFirst() + "'s 1 MiB differ from the 16 MiB "
                            + "segments the server archives: " + refusal);
        }
        assertEachRefusalIsOneLineOfExitCode(log, EXIT_REJECTED);
        assertEquals(refused.getFirst(), status.lastFailedWal(), status.summary());
        assertEquals(restarted.archivedCount(), status.archivedCount(), status.summary());
        for (String name : refused) {
            assertTrue(Files.exists(cluster.dataDir().resolve("pg_wal/archive_status/" + name + ".ready")),
                    "expected PostgreSQL to keep " + name + " for archiving: " + status.summary());
            assertEquals(1L << 20, Files.size(walFile(name)), "expected " + name + " to be a 1 MiB segment");
        }
        assertEquals("", ExpectedBarmanLayout.diff(before, store.snapshot()),
                "expected nothing stored in the new segment size");
        String identity = Files.readString(store.serverDir(SERVER).resolve("identity.json"));
        assertTrue(identity.contains("\"walship_wal_segment_size\": " + (16 << 20)),
                "expected the server still pinned to 16 MiB segments: " + identity);
        System.out.printf("[fault] after pg_resetwal --wal-segsize=1, %s refused %d times, e.g.: %s; %d s%n",
                refused, refusals.size(), refusals.getFirst(), seconds(started));
    }

    // --------------------------------------------------------------------------------------------------------
    // Checks

    /**
     * Everything PostgreSQL marked archived is stored as it is in pg_wal and listed once; xlog.db and the files
     * agree; the archiver has nothing left to do.
     */
    private void assertArchiveMatchesPostgres(ArchiveStatus status) throws IOException {
        assertEquals(List.of(), status.ready(), "expected the backlog drained: " + status.summary());
        assertTrue(status.done().contains(status.lastArchivedWal()), "expected last_archived_wal among the .done"
                + " marks: " + status.summary());
        assertEquals(List.of(), audit.differencesFrom(pgWal(), status.done()), "expected every segment"
                + " PostgreSQL marked archived (" + status.done().size() + ") stored as it is in pg_wal"
                + context());
        assertEquals(List.of(), audit.unindexed(status.done()), "expected every archived segment in xlog.db");
        assertEquals(Map.of(), audit.duplicateLines(), "expected no name twice in xlog.db");
        assertEquals(List.of(), audit.indexProblems(), "expected xlog.db and the stored files to agree");
    }

    /** An upload broken off by a client that went away must not leave its temp file for long. */
    private void assertTempFilesGo(StoreAudit of, String what) throws IOException {
        List<Path> left = new ArrayList<>();
        boolean none = PostgresCluster.poll(TIMEOUT, () -> {
            left.clear();
            left.addAll(of.temps());
            return left.isEmpty();
        });
        assertTrue(none, "expected " + what + ", found " + left + receiver.logTail());
    }

    /**
     * Every {@code walship push} line in a server log is followed by PostgreSQL's own line about its exit code:
     * the push said what it had to say in one line.
     */
    private static void assertEachRefusalIsOneLineOfExitCode(String log, int exitCode) {
        List<String> lines = log.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(REFUSAL)) {
                String next = i + 1 < lines.size() ? lines.get(i + 1) : "(end of log)";
                assertTrue(next.contains("archive command failed with exit code " + exitCode), "expected the line"
                        + " after the refusal to be PostgreSQL's about exit code " + exitCode + ":\n"
                        + lines.get(i) + "\n" + next);
            }
        }
    }

    private static List<String> refusals(String serverLog) {
        return serverLog.lines().filter(l -> l.startsWith(REFUSAL)).toList();
    }

    /** Regular files stored for {@code server}, an index without lines aside. */
    private List<Path> storedFiles(String server) throws IOException {
        Path dir = store.serverDir(server);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> regular = files.filter(Files::isRegularFile).toList();
            List<Path> stored = new ArrayList<>();
            for (Path file : regular) {
                if (!file.equals(store.xlogDb(server)) || Files.size(file) > 0) {
                    stored.add(file);
                }
            }
            return stored;
        }
    }

    private List<String> records() throws IOException {
        if (!Files.isDirectory(shipped)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(shipped)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    // --------------------------------------------------------------------------------------------------------
    // Moments

    /** Stops the receiver while an upload is under way, until PostgreSQL has seen it fail, then starts it again. */
    private void stopDuringAnUpload(List<String> stoppedDuring) throws IOException {
        stoppedDuring.add(awaitUpload(Set.copyOf(audit.temps())).getFileName().toString());
        long failed = ArchiveStatus.of(cluster).failedCount();
        receiver.stop();
        await("PostgreSQL failing to archive while the receiver is stopped",
                () -> ArchiveStatus.of(cluster).failedCount() > failed);
        receiver.start();
    }

    /** Waits for an upload to the receiver: a temp file other than {@code leftovers}. */
    private Path awaitUpload(Set<Path> leftovers) throws IOException {
        Path[] seen = {null};
        boolean found = tightPoll(TIMEOUT, () -> {
            for (Path temp : audit.temps()) {
                if (!leftovers.contains(temp)) {
                    seen[0] = temp;
                    return true;
                }
            }
            return false;
        });
        if (!found) {
            fail("no upload to " + SERVER + " under way within " + TIMEOUT + context());
        }
        return seen[0];
    }

    /** Waits until xlog.db gains a line and returns its name: the moment an upload is indexed, about its reply. */
    private String awaitIndexAppend() throws IOException {
        Path xlogDb = store.xlogDb(SERVER);
        long size = Files.size(xlogDb);
        if (!tightPoll(TIMEOUT, () -> Files.size(xlogDb) > size)) {
            fail("xlog.db gained no line within " + TIMEOUT + context());
        }
        return audit.indexed().getLast();
    }

    /** The archiver woken by a new segment (after failures it sleeps until one comes) and left with nothing. */
    private ArchiveStatus drain() throws IOException {
        String last = cluster.switchWal();
        cluster.waitArchived(last, TIMEOUT);
        cluster.waitAllArchived(TIMEOUT);
        ArchiveStatus status = ArchiveStatus.of(cluster);
        assertEquals(last, status.lastArchivedWal(), "expected the last switched segment archived last: "
                + status.summary());
        return status;
    }

    private interface Condition {
        boolean holds() throws IOException;
    }

    private void await(String what, Condition condition) throws IOException {
        if (!PostgresCluster.poll(TIMEOUT, condition::holds)) {
            fail("waited " + TIMEOUT + " for " + what + context());
        }
    }

    private static boolean tightPoll(Duration timeout, Condition condition) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(TIGHT_POLL_NANOS);
        }
        return true;
    }

    // --------------------------------------------------------------------------------------------------------
    // Context

    private Path pgWal() {
        return cluster.dataDir().resolve("pg_wal");
    }

    private Path walFile(String name) {
        return pgWal().resolve(name);
    }

    /** The state of everything, for failure messages. */
    private String context() {
        StringBuilder text = new StringBuilder();
        try {
            text.append("\n--- archiver --- ").append(ArchiveStatus.of(cluster).summary());
            text.append("\n--- xlog.db --- ").append(audit.indexed());
            text.append("\n--- temp files --- ").append(audit.temps());
            if (agent != null) {
                text.append("\n--- agent log (tail) ---\n").append(Tail.of(agent.log(), 20));
            }
            text.append("\n--- server log (tail) ---\n").append(Tail.of(cluster.serverLog(), 20));
        } catch (IOException | RuntimeException | AssertionError e) {
            text.append("\n(could not collect more context: ").append(e).append(')');
        }
        return text.append(receiver.logTail()).toString();
    }

    private static long seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000_000;
    }
}
