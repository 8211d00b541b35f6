package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.walship.testing.AgentConfigFile;
import io.walship.testing.NoJavaRuntime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Restores with real processes: a PostgreSQL 15 primary archives through {@code walship push} into a
 * {@code walship receiver}; copies of a base backup taken without WAL ({@code pg_basebackup -X none}) then recover
 * with {@code restore_command = 'walship fetch %f %p'}, so every WAL file they replay comes back through the
 * receiver.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestoreIT {

    private static final String SERVER = "pg";
    private static final Duration ARCHIVE_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration SPOOL_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(60);
    private static final int ROWS_PER_BATCH = 20;
    private static final List<String> BATCHES_BEFORE_TARGET = List.of("a", "b", "c");
    private static final List<String> BATCHES_AFTER_TARGET = List.of("d", "e");
    private static final List<String> TIMELINE_2_BATCHES = List.of("t2-a", "t2-b");

    private static final int EXIT_NOT_IN_ARCHIVE = 1;
    private static final int EXIT_CORRUPT = 150;
    private static final int EXIT_UNAVAILABLE = 151;

    private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");
    private static final Pattern RESTORED =
            Pattern.compile("restored log file \"([0-9A-F]{24}|[0-9A-F]{8}\\.history)\" from archive");
    private static final Pattern BACKUP_START = Pattern.compile("START WAL LOCATION: \\S+ \\(file ([0-9A-F]{24})\\)");

    private final TestBed bed = new TestBed("walship-restore-it-");
    /** The agent files walship push and fetch read as PostgreSQL runs them. */
    private PostgresAgentDir agent;
    private Path launcher;
    private ExpectedBarmanLayout store;
    private ReceiverProcess receiver;
    private PostgresCluster primary;
    private Path baseBackup;
    /** The segment each workload batch after the base backup was written to, by batch name. */
    private final Map<String, String> batchSegments = new LinkedHashMap<>();
    /** A time strictly between the commits of batch c and those of batch d. */
    private String targetTime;
    /** The primary's rows committed before {@link #targetTime}, by id. */
    private List<Long> rowsBeforeTarget;
    /** The point-in-time restore of the first test, promoted to timeline 2; the timeline test goes on from it. */
    private PostgresCluster pitr;
    private Path pitrConfig;

    @BeforeAll
    void archiveAPrimaryAndTakeABaseBackupWithoutWal() throws IOException {
        bed.closeLater(this::stopReadAhead);
        CaDirectory certs = bed.ca("certs").issue("receiver", "127.0.0.1", "localhost").issue("pg-agent");
        agent = bed.postgresAgent(certs, "pg-agent");
        Path barmanHome = bed.directory("barman");
        store = new ExpectedBarmanLayout(barmanHome);
        receiver = bed.startReceiver(ReceiverConfigFile.barmanHome(barmanHome).tls(certs, "receiver")
                .set("compression", "zstd").set("barman_version", "none").server(SERVER, "pg-agent"));
        launcher = bed.launcherForPostgres();
        // Each push sends its own file; the agent is ReadAheadAgentIT's.
        primary = bed.archivingCluster(ShellCommand.push(launcher,
                agent.write("push.conf", agent.config(SERVER, receiver.port()).set("start_agent", "no"))));
        produceWalAroundATargetTime();
    }

    @AfterAll
    void stopEverything() throws Exception {
        bed.close();
    }

    @Test
    @Order(1)
    void pointInTimeRecoveryRestoresExactlyTheRowsCommittedBeforeTheTarget() throws IOException {
        pitrConfig = fetchConfig("fetch-prefetch-0.conf", receiver.port(), "0", spoolDirectory("spool-0"));
        pitr = restoredCluster(pitrConfig, Map.of(
                "recovery_target_time", targetTime,
                "recovery_target_action", "promote"));

        Replay replay = replay(pitr, "point in time, prefetch 0");

        assertSameRows(rowsBeforeTarget, pitr, "the rows committed before " + targetTime);
        String backupStart = backupStartSegment();
        assertTrue(replay.restored().contains(backupStart), "expected the backup's first segment " + backupStart
                + " to be restored from the archive (the backup has no WAL), restored: " + replay.restored()
                + "\n--- server log ---\n" + pitr.logTail());
        for (String batch : BATCHES_BEFORE_TARGET) {
            String segment = batchSegments.get(batch);
            assertTrue(replay.restored().contains(segment), "expected segment " + segment + " (batch " + batch
                    + ") to be restored from the archive, restored: " + replay.restored());
        }
        assertEquals("2", checkpointTimeline(pitr), "expected the point-in-time restore to promote to timeline 2"
                + "\n--- server log ---\n" + pitr.logTail());
    }

    @Test
    @Order(2)
    void prefetchRestoresTheSameRowsReadsAheadAndEmptiesTheSpoolWhenRecoveryEnds() throws IOException {
        Path spool = spoolDirectory("spool-4");
        Path config = fetchConfig("fetch-prefetch-4.conf", receiver.port(), "4", spool);
        PostgresCluster restored = restoredCluster(config, Map.of(
                "recovery_target_time", targetTime,
                "recovery_target_action", "promote"));

        int logBefore = receiver.stderr().length();
        Replay replay = replay(restored, "point in time, prefetch 4");

        assertSameRows(rowsBeforeTarget, restored, "the rows committed before " + targetTime + " (prefetch 4)");
        // Read-ahead did happen: it asked the receiver for segments that recovery never asked for (past the end of
        // the archive, or past the target); each segment recovery restored was downloaded once, even the one it
        // asks for twice at the end, and as the receiver stores it (zstd, the default fetch_compression); and once
        // recovery ended, the spool holds no segment at all.
        String log = receiver.stderr().substring(logBefore);
        Matcher asked = Pattern.compile(" (FOUND|FOUND_ZSTD|NOT_FOUND) pg-agent -> " + SERVER + "/([0-9A-F]{24}) ")
                .matcher(log);
        Map<String, Integer> downloads = new TreeMap<>();
        List<String> ahead = new ArrayList<>();
        while (asked.find()) {
            assertNotEquals("FOUND", asked.group(1), "expected every segment sent as stored (FOUND_ZSTD), not "
                    + "decoded by the receiver:\n" + log);
            if (asked.group(1).equals("FOUND_ZSTD")) {
                downloads.merge(asked.group(2), 1, Integer::sum);
            }
            if (!replay.restored().contains(asked.group(2))) {
                ahead.add(asked.group(2));
            }
        }
        assertFalse(ahead.isEmpty(), "expected the read-ahead to ask the receiver for segments recovery never asked"
                + " for, restored: " + replay.restored() + "\n--- receiver log ---\n" + log);
        for (String segment : replay.segments()) {
            assertEquals(1, downloads.getOrDefault(segment, 0), "expected " + segment + " downloaded once, restored: "
                    + replay.restored() + "\n--- receiver log ---\n" + log);
        }
        List<String> left = new ArrayList<>();
        boolean empty = PostgresCluster.poll(SPOOL_TIMEOUT, () -> {
            left.clear();
            left.addAll(spoolSegmentFiles(spool));
            return left.isEmpty();
        });
        assertTrue(empty, () -> "expected the spool emptied once recovery ended (recovery.signal gone) within "
                + SPOOL_TIMEOUT + ", found " + left + "; whole spool: " + listTree(spool));
        restored.stop();
    }

    @Test
    @Order(3)
    void restoreToTheEndOfTheArchiveFollowsTheLatestTimelineAndNeverTakesHistoryFromTheSpool() throws IOException {
        assertNotNull(pitr, "expected the point-in-time restore of the first test to be there to go on from");
        archiveWorkOnTimeline2();
        List<Long> expected = ids(pitr);
        byte[] history = Files.readAllBytes(pitr.dataDir().resolve("pg_wal/00000002.history"));

        Path spool = spoolDirectory("spool-8");
        // Where fetch spools this server's segments. Were it to take history files from there, PostgreSQL
        // would stop on this one's syntax error.
        Path serverSpool = Files.createDirectories(spool.resolve(SERVER));
        Files.writeString(serverSpool.resolve("00000002.history"), "not a timeline history file\n");
        RunAs.giveToPostgres(serverSpool);
        Path config = fetchConfig("fetch-prefetch-8.conf", receiver.port(), "8", spool);
        PostgresCluster latest = restoredCluster(config, Map.of("recovery_target_timeline", "latest"));

        Replay replay = replay(latest, "end of archive, latest timeline, prefetch 8");

        assertSameRows(expected, latest, "the timeline-2 rows of the promoted point-in-time restore");
        assertTrue(replay.restored().contains("00000002.history"), "expected 00000002.history to be restored,"
                + " restored: " + replay.restored() + "\n--- server log ---\n" + latest.logTail());
        assertArrayEquals(history, Files.readAllBytes(latest.dataDir().resolve("pg_wal/00000002.history")),
                "expected the restored 00000002.history to be the archived one, not the bogus file in the spool");
        assertTrue(replay.segments().stream().anyMatch(s -> s.startsWith("00000002")),
                "expected timeline-2 segments to be restored, restored: " + replay.restored());
        assertEquals("3", checkpointTimeline(latest), "expected the restore to promote to timeline 3"
                + "\n--- server log ---\n" + latest.logTail());
        assertTrue(receiver.stderr().contains(" FOUND_ZSTD pg-agent -> " + SERVER + "/00000002.history "),
                "expected the receiver log to list the fetch of 00000002.history (FOUND_ZSTD pg-agent -> " + SERVER
                        + "/00000002.history):\n" + receiver.stderr());
    }

    @Test
    @Order(4)
    void fetchExitCodesTellMissingFilesFromAnUnavailableArchive() throws IOException {
        Path config = fetchConfig("fetch-cli.conf", receiver.port(), "0", spoolDirectory("spool-cli"));
        Path dataDir = bed.directory("fetch-cli/pg_wal").getParent();
        RunAs.giveToPostgres(dataDir);
        Path target = dataDir.resolve("pg_wal/RECOVERYXLOG");

        String archived = batchSegments.get("a");
        Proc.Result ok = fetch(config, dataDir, archived);
        assertEquals(0, ok.exitCode(), "expected fetching archived " + archived + " to succeed: " + withReceiverLog(ok));
        assertArrayEquals(StoredCodec.decompress(Files.readAllBytes(store.walPath(SERVER, archived))),
                Files.readAllBytes(target), "expected " + target + " to hold the plain bytes of archived " + archived);
        Files.delete(target);

        Path recoverySignal = signal(dataDir, "recovery.signal");
        for (String missing : List.of("0000000100000000000000FF", "0000000A.history")) {
            // The normal end of recovery: a message is allowed, not required.
            assertFailedFetch(fetch(config, dataDir, missing), EXIT_NOT_IN_ARCHIVE, false, target,
                    missing + ", which the archive does not have");
        }

        Path unreachable = fetchConfig("fetch-unreachable.conf", closedPort(), "0",
                spoolDirectory("spool-unreachable"));
        assertFailedFetch(fetch(unreachable, dataDir, archived), EXIT_UNAVAILABLE, true, target,
                "an unreachable receiver with recovery.signal in the data directory");
        Files.delete(recoverySignal);
        assertFailedFetch(fetch(unreachable, dataDir, archived), EXIT_UNAVAILABLE, true, target,
                "an unreachable receiver without a signal file in the data directory");
        signal(dataDir, "standby.signal");
        assertFailedFetch(fetch(unreachable, dataDir, archived), EXIT_NOT_IN_ARCHIVE, true, target,
                "an unreachable receiver with standby.signal in the data directory");
    }

    @Test
    @Order(5)
    void aCorruptArchivedSegmentStopsRecoveryInsteadOfPromoting() throws IOException {
        // After the base backup's end and before the target: without it recovery would "succeed" on less data.
        String victim = batchSegments.get("b");
        Path stored = store.walPath(SERVER, victim);
        byte[] original = Files.readAllBytes(stored);
        byte[] corrupt = original.clone();
        for (int i = corrupt.length / 2; i < corrupt.length / 2 + 16; i++) {
            corrupt[i] ^= (byte) 0x5a;
        }
        Files.write(stored, corrupt);
        try {
            Path fetchDir = bed.directory("fetch-corrupt/pg_wal").getParent();
            RunAs.giveToPostgres(fetchDir);
            signal(fetchDir, "recovery.signal");
            Path cliConfig = fetchConfig("fetch-corrupt.conf", receiver.port(), "0",
                    spoolDirectory("spool-corrupt"));
            assertFailedFetch(fetch(cliConfig, fetchDir, victim), EXIT_CORRUPT, true,
                    fetchDir.resolve("pg_wal/RECOVERYXLOG"), "archived " + victim + " with 16 bytes flipped");

            // No prefetch setting: the default read-ahead must not hide the corruption either.
            Path config = fetchConfig("fetch-default.conf", receiver.port(), null, spoolDirectory("spool-default"));
            PostgresCluster broken = restoredCluster(config, Map.of("recovery_target_timeline", "latest"));

            Proc.Result start = broken.tryStart();
            boolean stopped = PostgresCluster.poll(RECOVERY_TIMEOUT, () -> !broken.running());

            String log = broken.serverLog();
            assertTrue(stopped, "expected the server to stop on the corrupt " + victim + " within " + RECOVERY_TIMEOUT
                    + ", it still runs (pg_ctl start: exit " + start.exitCode() + ")\n--- server log ---\n"
                    + broken.logTail());
            assertTrue(log.lines().anyMatch(l -> l.contains("FATAL") && l.contains("could not restore file \""
                            + victim + "\"") && l.contains("exit code " + EXIT_CORRUPT)),
                    "expected a FATAL 'could not restore file \"" + victim + "\" ... exit code " + EXIT_CORRUPT
                            + "' in the server log\n--- server log ---\n" + broken.logTail());
            assertTrue(log.lines().anyMatch(l -> l.startsWith("walship fetch: ")),
                    "expected walship fetch's 'walship fetch: ' line in the server log\n--- server log ---\n"
                            + broken.logTail());
            for (String promotion : List.of("selected new timeline ID", "archive recovery complete")) {
                assertFalse(log.contains(promotion), "expected no '" + promotion + "' in the server log of a"
                        + " recovery that hit a corrupt segment\n--- server log ---\n" + broken.logTail());
            }
            assertTrue(Files.exists(broken.dataDir().resolve("recovery.signal")),
                    "expected recovery.signal to stay in " + broken.dataDir());
            assertFalse(Files.exists(broken.dataDir().resolve("pg_wal/00000003.history")),
                    "expected no new timeline (00000003.history) in " + broken.dataDir().resolve("pg_wal"));
            assertEquals("1", broken.controlData("Latest checkpoint's TimeLineID"),
                    "expected the stopped restore's control file to stay on the base backup's timeline 1");
        } finally {
            Files.write(stored, original);
        }
    }

    /**
     * Once a fetch has started the read-ahead, the launcher answers without a JVM: here its Java is a program that
     * only notes that it ran. A file the archive has comes back whole; one it does not have is "missing" (1), and so
     * is a history file it does not have; and a segment the read-ahead found missing that is archived afterwards is
     * then found: "missing" is the receiver's answer to the request, never the read-ahead's memory.
     */
    @Test
    @Order(6)
    void aRunningReadAheadAnswersFetchesWithoutAJvmAndNeverFromAStaleMissing() throws IOException {
        Path spool = spoolDirectory("spool-warm");
        Path config = fetchConfig("fetch-warm.conf", receiver.port(), "2", spool);
        Path dataDir = bed.directory("fetch-warm/pg_wal").getParent();
        RunAs.giveToPostgres(dataDir);
        signal(dataDir, "recovery.signal");
        Path target = dataDir.resolve("pg_wal/RECOVERYXLOG");
        String first = batchSegments.get("a");
        assertEquals(0, fetch(launcher, config, dataDir, first).exitCode(), "expected Java's fetch of " + first
                + " to succeed and start the read-ahead");
        Files.delete(target);
        Path announced = spool.resolve(SERVER).resolve("prefetch.pid");
        assertTrue(PostgresCluster.poll(FETCH_TIMEOUT, () -> Files.exists(announced)), () -> "expected the "
                + "read-ahead to announce itself in " + announced + " within " + FETCH_TIMEOUT + "; spool: "
                + listTree(spool));

        Path noJava = bed.postgresDirectory("no-java");
        Path javaRan = noJava.resolve("java-ran");
        Path withoutJvm = launcherWithoutJava(noJava.resolve("walship"), javaRan);

        String archived = batchSegments.get("c");
        Proc.Result ok = fetch(withoutJvm, config, dataDir, archived);
        assertEquals(0, ok.exitCode(), "expected the read-ahead to serve " + archived + ": " + withReceiverLog(ok));
        assertArrayEquals(StoredCodec.decompress(Files.readAllBytes(store.walPath(SERVER, archived))),
                Files.readAllBytes(target), "expected " + target + " to hold the plain bytes of archived " + archived);
        Files.delete(target);
        for (String missing : List.of("0000000100000000000000FF", "0000000A.history")) {
            assertFailedFetch(fetch(withoutJvm, config, dataDir, missing), EXIT_NOT_IN_ARCHIVE, false, target,
                    missing + ", which the archive does not have, asked of the read-ahead");
        }

        String lastArchived = insertBatchAndSwitch(primary, "before-missing");
        primary.waitArchived(lastArchived, ARCHIVE_TIMEOUT);
        assertEquals(0, fetch(withoutJvm, config, dataDir, lastArchived).exitCode(), "expected " + lastArchived
                + ", the last archived segment, to be served");
        Files.delete(target);
        String after = nextSegment(lastArchived);
        assertFailedFetch(fetch(withoutJvm, config, dataDir, after), EXIT_NOT_IN_ARCHIVE, false, target,
                after + ", not archived yet");
        String written = insertBatchAndSwitch(primary, "after-missing");
        assertEquals(after, written, "expected the next batch to go to " + after);
        primary.waitArchived(after, ARCHIVE_TIMEOUT);
        Proc.Result late = fetch(withoutJvm, config, dataDir, after);
        assertEquals(0, late.exitCode(), "expected " + after + ", archived after the read-ahead found it missing, to"
                + " be found: " + withReceiverLog(late));
        assertArrayEquals(StoredCodec.decompress(Files.readAllBytes(store.walPath(SERVER, after))),
                Files.readAllBytes(target), "expected " + target + " to hold the plain bytes of archived " + after);

        assertFalse(Files.exists(javaRan), "expected no JVM started by these fetches, yet one ran: "
                + (Files.exists(javaRan) ? Files.readString(javaRan) : ""));
    }

    /**
     * A read-ahead whose receiver cannot be reached does not spin on it: a segment it failed to get is tried again
     * after a back-off (1 s, then twice as long each time), not at every poll; and the fetch that started it fails
     * as it always has, for Java to say why.
     */
    @Test
    @Order(7)
    void aReadAheadWithoutItsReceiverBacksOffInsteadOfSpinning() throws IOException {
        Path spool = spoolDirectory("spool-down");
        Path config = fetchConfig("fetch-down.conf", closedPort(), "2", spool);
        Path dataDir = bed.directory("fetch-down/pg_wal").getParent();
        RunAs.giveToPostgres(dataDir);
        signal(dataDir, "recovery.signal");
        String segment = batchSegments.get("a");
        try {
            assertFailedFetch(fetch(config, dataDir, segment), EXIT_UNAVAILABLE, true,
                    dataDir.resolve("pg_wal/RECOVERYXLOG"), "an unreachable receiver, asked through the read-ahead");
            Path announced = spool.resolve(SERVER).resolve("prefetch.pid");
            assertTrue(Files.exists(announced), () -> "expected the read-ahead the fetch started to run; spool: "
                    + listTree(spool));
            Path log = spool.resolve(SERVER).resolve("prefetch.log");
            Map<String, List<OffsetDateTime>> tries = new TreeMap<>();
            boolean retried = PostgresCluster.poll(Duration.ofSeconds(20), () -> {
                tries.clear();
                tries.putAll(failedTries(log));
                return tries.values().stream().anyMatch(times -> times.size() >= 2);
            });
            assertTrue(retried, "expected the read-ahead to try a segment again within 20 s, it logged "
                    + tries + ":\n" + (Files.exists(log) ? Files.readString(log) : "(no " + log + ")"));
            tries.forEach((tried, times) -> {
                for (int i = 1; i < times.size(); i++) {
                    Duration gap = Duration.between(times.get(i - 1), times.get(i));
                    assertTrue(gap.compareTo(Duration.ofMillis(900)) >= 0, "expected " + tried + " tried again "
                            + "only after the 1 s back-off, it was after " + gap.toMillis() + " ms: " + tries);
                }
            });
        } finally {
            stopReadAhead();
        }
    }

    /** When the read-ahead logged each failed try of each segment, from its log lines' timestamps. */
    private static Map<String, List<OffsetDateTime>> failedTries(Path log) throws IOException {
        Map<String, List<OffsetDateTime>> tries = new TreeMap<>();
        if (!Files.exists(log)) {
            return tries;
        }
        Matcher failed = Pattern.compile("^(\\S+) WARNING read-ahead of ([0-9A-F]{24}) failed", Pattern.MULTILINE)
                .matcher(Files.readString(log));
        while (failed.find()) {
            tries.computeIfAbsent(failed.group(2), segment -> new ArrayList<>())
                    .add(OffsetDateTime.parse(failed.group(1)));
        }
        return tries;
    }

    /** The launcher staged for the postgres user with a "java" that only notes in {@code note} that it ran. */
    private Path launcherWithoutJava(Path home, Path note) throws IOException {
        Path staged = bed.launcher().withoutJars(home);
        NoJavaRuntime.install(home, note);
        RunAs.giveToPostgres(home);
        return staged;
    }

    /**
     * One batch before the base backup, then three batches, the target time, two more batches: each batch is
     * {@value #ROWS_PER_BATCH} transactions of one row and closes its segment, so the rows span several segments.
     */
    private void produceWalAroundATargetTime() throws IOException {
        primary.psql("""
                create table walship_restore (
                    id bigint generated always as identity primary key,
                    batch text not null,
                    written_at timestamptz not null);
                """);
        insertBatchAndSwitch(primary, "before-backup");
        Path backupParent = bed.postgresDirectory("backup");
        baseBackup = backupParent.resolve("base");
        primary.baseBackupWithoutWal(baseBackup);
        try (Stream<Path> wal = Files.list(baseBackup.resolve("pg_wal"))) {
            List<String> segments = wal.map(p -> p.getFileName().toString())
                    .filter(n -> SEGMENT.matcher(n).matches()).toList();
            assertEquals(List.of(), segments, "expected a base backup taken with -X none to hold no WAL segment");
        }

        for (String batch : BATCHES_BEFORE_TARGET) {
            batchSegments.put(batch, insertBatchAndSwitch(primary, batch));
        }
        // Every commit so far ends before this statement starts; every later row is written after it.
        targetTime = primary.psql("""
                select pg_sleep(0.01);
                select clock_timestamp()::text;
                select pg_sleep(0.01);
                """);
        for (String batch : BATCHES_AFTER_TARGET) {
            batchSegments.put(batch, insertBatchAndSwitch(primary, batch));
        }
        primary.waitArchived(batchSegments.get(BATCHES_AFTER_TARGET.getLast()), ARCHIVE_TIMEOUT);
        primary.waitAllArchived(ARCHIVE_TIMEOUT);

        rowsBeforeTarget = idList(primary.psql("select coalesce(string_agg(id::text, ',' order by id), '')"
                + " from walship_restore where written_at < '" + targetTime + "'"));
        List<Long> batchesBefore = idList(primary.psql("select coalesce(string_agg(id::text, ',' order by id), '')"
                + " from walship_restore where batch in ('before-backup', 'a', 'b', 'c')"));
        assertEquals(batchesBefore, rowsBeforeTarget, "expected the target time " + targetTime
                + " to fall between batch c and batch d");
        assertEquals(ROWS_PER_BATCH * (1 + BATCHES_BEFORE_TARGET.size()), rowsBeforeTarget.size(),
                "expected every batch before the target to have " + ROWS_PER_BATCH + " rows");
    }

    /** One row per transaction, then closes the segment; returns the name of the segment the rows went to. */
    private static String insertBatchAndSwitch(PostgresCluster cluster, String batch) throws IOException {
        String segment = cluster.psql("""
                do $$
                begin
                    for i in 1..%d loop
                        insert into walship_restore (batch, written_at) values ('%s', clock_timestamp());
                        commit;
                    end loop;
                end
                $$;
                select pg_walfile_name(pg_current_wal_lsn());
                """.formatted(ROWS_PER_BATCH, batch));
        cluster.psql("select pg_switch_wal();");
        return segment;
    }

    /**
     * The promoted point-in-time restore starts archiving into the same Barman server (same system identifier)
     * and writes two batches on timeline 2. Its 00000002.history was written while archiving was off, so nothing
     * marked it ready for the archiver: that is marked by hand, as an operator turning archiving on would.
     */
    private void archiveWorkOnTimeline2() throws IOException {
        pitr.stop();
        pitr.configure(Map.of(
                "archive_mode", "on",
                // the restore's own agent file: one file serves push and fetch
                "archive_command", ShellCommand.push(launcher, pitrConfig)));
        Path ready = pitr.dataDir().resolve("pg_wal/archive_status/00000002.history.ready");
        if (!Files.exists(ready)) {
            Files.createFile(ready);
            RunAs.giveToPostgres(ready);
        }
        pitr.start();
        List<String> segments = new ArrayList<>();
        for (String batch : TIMELINE_2_BATCHES) {
            segments.add(insertBatchAndSwitch(pitr, batch));
        }
        pitr.waitArchived("00000002.history", ARCHIVE_TIMEOUT);
        for (String segment : segments) {
            assertTrue(segment.startsWith("00000002"), "expected timeline-2 segments, found " + segments);
            pitr.waitArchived(segment, ARCHIVE_TIMEOUT);
        }
        pitr.waitAllArchived(ARCHIVE_TIMEOUT);
        Path history = store.walPath(SERVER, "00000002.history");
        assertTrue(Files.isRegularFile(history), "expected 00000002.history archived at " + history);
    }

    /** A copy of the base backup set up for archive recovery through {@code walship fetch}, not started. */
    private PostgresCluster restoredCluster(Path fetchConfig, Map<String, String> recoverySettings) throws IOException {
        PostgresCluster restored = bed.cluster();
        restored.copyBaseBackup(baseBackup);
        Map<String, String> settings = new HashMap<>(recoverySettings);
        settings.put("restore_command", ShellCommand.fetch(launcher, fetchConfig));
        settings.put("archive_mode", "off");
        restored.configure(settings);
        signal(restored.dataDir(), "recovery.signal");
        return restored;
    }

    /** What a finished recovery restored, in order, and how long it took from pg_ctl start to promotion. */
    private record Replay(Duration wallTime, List<String> restored) {

        List<String> segments() {
            return restored.stream().filter(n -> SEGMENT.matcher(n).matches()).toList();
        }
    }

    private Replay replay(PostgresCluster cluster, String what) throws IOException {
        long start = System.nanoTime();
        cluster.start();
        cluster.waitOutOfRecovery(RECOVERY_TIMEOUT);
        Duration wallTime = Duration.ofNanos(System.nanoTime() - start);
        List<String> restored = new ArrayList<>();
        Matcher m = RESTORED.matcher(cluster.serverLog());
        while (m.find()) {
            restored.add(m.group(1));
        }
        Replay replay = new Replay(wallTime, restored);
        System.out.printf("restore (%s): %d segments and %d history files restored, %d ms from pg_ctl start to"
                        + " promotion%n", what, replay.segments().size(), restored.size() - replay.segments().size(),
                wallTime.toMillis());
        return replay;
    }

    /** Files in the spool whose name holds a segment name. */
    private static List<String> spoolSegmentFiles(Path spool) throws IOException {
        List<String> stale = new ArrayList<>();
        for (Path file : entries(spool)) {
            if (Files.isRegularFile(spool.resolve(file)) && SEGMENT.matcher(file.getFileName().toString()).find()) {
                stale.add(file.toString());
            }
        }
        return stale;
    }

    /** The name of the segment after {@code segment}, for 16 MiB segments (256 to a log file). */
    private static String nextSegment(String segment) {
        long timeline = Long.parseLong(segment.substring(0, 8), 16);
        long number = Long.parseLong(segment.substring(8, 16), 16) * 0x100 + Long.parseLong(segment.substring(16), 16)
                + 1;
        return "%08X%08X%08X".formatted(timeline, number / 0x100, number % 0x100);
    }

    /** The files under {@code dir}, for a failure message. */
    private static String listTree(Path dir) {
        try {
            return entries(dir).stream().map(Path::toString).sorted().toList().toString();
        } catch (IOException e) {
            return "(cannot list " + dir + ": " + e.getMessage() + ")";
        }
    }

    /**
     * Everything under {@code dir}, relative to it: the read-ahead renames and deletes files as it goes, so one
     * that vanishes while the tree is walked is left out rather than failing the walk.
     */
    private static List<Path> entries(Path dir) throws IOException {
        List<Path> entries = new ArrayList<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                if (!d.equals(dir)) {
                    entries.add(dir.relativize(d));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                entries.add(dir.relativize(file));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        return entries;
    }

    private String backupStartSegment() throws IOException {
        String label = Files.readString(baseBackup.resolve("backup_label"));
        Matcher m = BACKUP_START.matcher(label);
        return m.find() ? m.group(1) : fail("expected a START WAL LOCATION line in backup_label:\n" + label);
    }

    private static String checkpointTimeline(PostgresCluster cluster) throws IOException {
        // the checkpoint after promotion is requested, not awaited: force one so the control file shows the timeline
        cluster.psql("checkpoint;");
        return cluster.psql("select timeline_id from pg_control_checkpoint();");
    }

    private static List<Long> ids(PostgresCluster cluster) throws IOException {
        return idList(cluster.psql("select coalesce(string_agg(id::text, ',' order by id), '') from walship_restore"));
    }

    private static List<Long> idList(String commaSeparated) {
        return commaSeparated.isEmpty() ? List.of()
                : Stream.of(commaSeparated.split(",")).map(Long::valueOf).toList();
    }

    private static void assertSameRows(List<Long> expected, PostgresCluster cluster, String what) throws IOException {
        List<Long> found = ids(cluster);
        if (!expected.equals(found)) {
            TreeSet<Long> missing = new TreeSet<>(expected);
            found.forEach(missing::remove);
            TreeSet<Long> extra = new TreeSet<>(found);
            expected.forEach(extra::remove);
            fail("expected the restored rows to be " + what + " (" + expected.size() + " ids), found " + found.size()
                    + " ids; missing " + missing + ", unexpected " + extra + "\n--- server log ---\n"
                    + cluster.logTail());
        }
    }

    /**
     * An agent file for fetch in the postgres user's agent directory; a null {@code prefetch} leaves the default.
     * The restore that archives on timeline 2 pushes with one too, each push sending its own file.
     */
    private Path fetchConfig(String fileName, int port, String prefetch, Path spool) throws IOException {
        AgentConfigFile config = agent.config(SERVER, port).set("start_agent", "no");
        if (prefetch != null) {
            config.set("prefetch", prefetch);
        }
        return agent.write(fileName, config.set("spool_directory", spool));
    }

    /** A spool directory only the postgres user may use. */
    private Path spoolDirectory(String name) throws IOException {
        Path spool = bed.directory(name);
        Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("rwx------"));
        RunAs.giveToPostgres(spool);
        return spool;
    }

    private static Path signal(Path dataDir, String name) throws IOException {
        Path signal = Files.createFile(dataDir.resolve(name));
        RunAs.giveToPostgres(signal);
        return signal;
    }

    /** {@code walship fetch NAME pg_wal/RECOVERYXLOG} as PostgreSQL runs it: as its user, in the data directory. */
    private Proc.Result fetch(Path config, Path dataDir, String name) throws IOException {
        return fetch(launcher, config, dataDir, name);
    }

    private static Proc.Result fetch(Path launcher, Path config, Path dataDir, String name) throws IOException {
        return Proc.run(RunAs.postgres(List.of(launcher.toString(), "fetch", "--config", config.toString(), name,
                "pg_wal/RECOVERYXLOG")), dataDir, null, FETCH_TIMEOUT);
    }

    /** The exit code, nothing at {@code target}, and on stderr one 'walship fetch: ' line (or, if allowed, none). */
    private void assertFailedFetch(Proc.Result result, int expectedExit, boolean messageRequired, Path target,
            String what) {
        assertEquals(expectedExit, result.exitCode(),
                "expected exit code " + expectedExit + " for " + what + ": " + withReceiverLog(result));
        List<String> lines = result.stderr().lines().filter(l -> !l.isBlank()).toList();
        boolean oneLine = lines.size() == 1 && lines.getFirst().startsWith("walship fetch: ");
        assertTrue(oneLine || !messageRequired && lines.isEmpty(), "expected " + (messageRequired ? "" : "nothing or ")
                + "one stderr line starting with 'walship fetch: ' for " + what + ": " + result.describe());
        assertFalse(Files.exists(target), "expected nothing at " + target + " after " + what);
    }

    private String withReceiverLog(Proc.Result result) {
        return result.describe() + receiver.logTail();
    }

    /**
     * fetch leaves a read-ahead process behind that quits 30 s after recovery stops asking; the ones reading
     * into this test's spool directories are ended before those are deleted.
     */
    private void stopReadAhead() throws IOException {
        if (agent == null) {
            return;
        }
        String mine = agent.dir() + "/";
        List<ProcessHandle> readAhead = ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(args -> List.of(args).contains("prefetch")
                        && Stream.of(args).anyMatch(a -> a.startsWith(mine))).orElse(false))
                .toList();
        readAhead.forEach(ProcessHandle::destroy);
        boolean ended = PostgresCluster.poll(Duration.ofSeconds(15),
                () -> readAhead.stream().noneMatch(ProcessHandle::isAlive));
        assertTrue(ended, "expected the read-ahead processes " + readAhead + " to end on SIGTERM");
    }

    /** A loopback port nothing listens on. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
