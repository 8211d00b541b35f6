package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.walship.testing.AgentConfigFile;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
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
 * The read-ahead agent end to end with real processes: a PostgreSQL 15 primary whose archive_command is
 * {@code walship push}, {@code walship agent} beside it as the postgres user, and a {@code walship receiver} on a
 * fixed port. The agent ships ready segments ahead and records them; push answers from those records (in the
 * launcher, without a JVM); the agent never ships past a failing file; agent and receiver restarts lose nothing;
 * by default the first push starts the agent, and an agent started by hand takes over from it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadAheadAgentIT {

    private static final String SERVER = "pg";
    private static final long SEGMENT_SIZE = 16L * 1024 * 1024;
    private static final int FIRST_SEGMENTS = 8;
    private static final int FAST_PATH_CALLS = 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** Longer than the archiver's pauses between its three tries (1 s, plus a JVM start per try). */
    private static final Duration ARCHIVER_QUIET = Duration.ofSeconds(5);
    private static final int EXIT_UNREACHABLE = 3;

    private final TestBed bed = new TestBed("walship-agent-it-");
    private CaDirectory certs;
    private ExpectedBarmanLayout store;
    private Path receiverConfig;
    private int receiverPort;
    private ReceiverProcess receiver;
    private int receiverStarts;
    private Path launcher;
    private Path agentConfig;
    private Path spool;
    private Path shipped;
    /** For pushes the test makes itself, as root: absolute paths, its own spool. */
    private Path testConfig;
    private PostgresCluster cluster;
    private AgentProcess agent;
    private int agentStarts;
    private final List<String> segments = new ArrayList<>();

    @BeforeAll
    void startReceiverAndArchivingPrimary() throws IOException {
        certs = bed.ca("certs").issue("receiver", "127.0.0.1", "localhost").issue("pg-agent");
        receiverPort = freePort();
        startReceiver();
        bed.closeLater(() -> {
            if (receiver != null) {
                receiver.close();
            }
        });
        configureAgent();
        // Also the agents walship push starts in the background, which are nobody's child; after the cluster.
        bed.closeLater(() -> AgentProcess.endAgentsFor(agentConfig));
        startArchivingPrimary();
        bed.closeLater(() -> {
            if (agent != null) {
                agent.close();
            }
        });
    }

    @AfterAll
    void stopEverything() throws Exception {
        bed.close();
    }

    @Test
    @Order(1)
    void theAgentShipsEverySegmentAheadAndRecordsIt() throws IOException {
        startAgent();
        Archiver before = archiver();
        for (int i = 0; i < FIRST_SEGMENTS; i++) {
            segments.add(cluster.switchWal());
        }
        for (String name : segments) {
            cluster.waitArchived(name, TIMEOUT);
        }
        cluster.waitAllArchived(TIMEOUT);

        Archiver after = archiver();
        assertTrue(after.archivedCount() - before.archivedCount() >= FIRST_SEGMENTS,
                "expected pg_stat_archiver to count the " + FIRST_SEGMENTS + " segments: " + before + " -> " + after);
        assertEquals(before.failedCount(), after.failedCount(), "expected no failed archive_command: " + after);
        for (String name : segments) {
            assertEquals(Optional.of(stamp(name)), record(name), "expected the agent's record of " + name
                    + " in " + shipped + " to hold its size and modification time (stat -c '%s %.9Y')"
                    + context());
            assertTrue(agent.log().contains("shipped " + name + " ("), "expected a 'shipped " + name + "' line"
                    + context());
            assertStoredIdentical(name);
        }
        assertXlogDbListsEachOnce(segments);
        System.out.println("[agent] log after " + FIRST_SEGMENTS + " segments:\n"
                + Tail.of(agent.log(), FIRST_SEGMENTS + 4));
    }

    @Test
    @Order(2)
    void pushAnswersAnAlreadyShippedSegmentInTheLauncherWithoutAJvm() throws IOException {
        String name = segments.get(3);
        assertEquals(Optional.of(stamp(name)), record(name), "expected a record of " + name + " to answer from");
        // The launcher and its scripts, but no jar: were push to fall through to Java, it could not run.
        Path launcherWithoutJars = bed.launcher().withoutJars(bed.resolve("launcher-without-jars"));

        List<Long> withoutJvm = timedPushes(launcherWithoutJars, name, Map.of(
                "WALSHIP_JAVA_HOME", "/nonexistent", "JAVA_HOME", "/nonexistent"));
        List<Long> launcherCalls = timedPushes(launcher, name, Map.of());

        // The control: a file without a record needs Java, which this launcher cannot start.
        String current = currentSegment();
        Proc.Result control = asPostgresInDataDir(List.of("env", "WALSHIP_JAVA_HOME=/nonexistent",
                "JAVA_HOME=/nonexistent", launcherWithoutJars.toString(), "push", "--config", agentConfig.toString(),
                "pg_wal/" + current, current));
        assertEquals(2, control.exitCode(), "expected push of unshipped " + current + " to need the jar: "
                + control.describe());
        // The agent ships only what PostgreSQL marked ready: the wait for it runs out, and push says so.
        List<String> said = control.stderr().lines().toList();
        assertEquals(2, said.size(), control.describe());
        assertEquals("walship push: the agent did not ship " + current + " within agent_wait (30 s); sending "
                + current + " itself", said.getFirst());
        assertTrue(said.getLast().startsWith("walship: "), control.describe());

        // The same record answered in Java: options after the operands are beyond the launcher's fast path.
        List<Long> javaCalls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long started = System.nanoTime();
            Proc.Result java = asPostgresInDataDir(List.of(launcher.toString(), "push", "pg_wal/" + name, name,
                    "--config", agentConfig.toString()));
            javaCalls.add((System.nanoTime() - started) / 1000);
            assertEquals(0, java.exitCode(), "expected Java's push to answer from the record: " + java.describe());
        }

        System.out.printf("[fast path] walship push of shipped %s, %d calls each (as postgres, in the data directory)%n"
                        + "  launcher without jars, no Java: p50 %.1f ms, p90 %.1f ms%n"
                        + "  launcher of the build:          p50 %.1f ms, p90 %.1f ms%n"
                        + "  answered in Java (JVM start), 3 calls incl. runuser: %s ms%n",
                name, FAST_PATH_CALLS, percentile(withoutJvm, 50), percentile(withoutJvm, 90),
                percentile(launcherCalls, 50), percentile(launcherCalls, 90),
                javaCalls.stream().map(us -> String.format("%.0f", us / 1000.0)).toList());
    }

    @Test
    @Order(3)
    void theAgentNeverShipsPastAFailingSegmentAndBothRecoverOnceItIsFixed() throws IOException {
        List<String> violations = new ArrayList<>();
        agent.stop();
        String current = currentSegment();
        String conflicting = segmentAfter(current, 2);
        // A segment of this very cluster, made to look like the future one: the receiver accepts it under that name.
        byte[] impostor = Files.readAllBytes(walFile(segments.getFirst()));
        ByteBuffer.wrap(impostor).order(ByteOrder.LITTLE_ENDIAN).putLong(8, startLsn(conflicting));
        Path impostorFile = bed.directory("impostor").resolve(conflicting);
        Files.write(impostorFile, impostor);
        bed.launcher().run("push", "--config", testConfig.toString(), impostorFile.toString(), conflicting)
                .assertSuccess("pre-storing a different " + conflicting);
        Map<String, String> storeBefore = store.snapshot();
        startAgent();
        Archiver before = archiver();

        List<String> produced = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String name = switchExpecting(segmentAfter(current, i));
            produced.add(name);
            await("the agent's record of " + name, () -> record(name).equals(Optional.of(stamp(name))));
        }
        produced.add(switchExpecting(conflicting));
        await("the agent failing on " + conflicting, () -> agent.logLines("could not ship " + conflicting) >= 1);
        assertTrue(agent.log().contains("CONFLICT"), "expected the agent to log the receiver's CONFLICT" + context());
        String after = switchExpecting(segmentAfter(current, 3));
        produced.add(after);

        // Retries of the agent (1 s, then 2 s later) and of the archiver, all failing on the conflicting segment.
        await("the agent's third attempt at " + conflicting + " and the archiver failing on it", () -> {
            Archiver now = archiver();
            return agent.logLines("could not ship " + conflicting) >= 3 && now.failedCount() > before.failedCount()
                    && now.lastFailedWal().equals(conflicting);
        });
        Archiver stuck = archiver();
        assertEquals(produced.get(1), stuck.lastArchivedWal(), "expected the archiver to stop before "
                + conflicting + ": " + stuck);
        for (String name : List.of(conflicting, after)) {
            assertTrue(Files.exists(cluster.dataDir().resolve("pg_wal/archive_status/" + name + ".ready")),
                    "expected " + name + " still waiting for the archiver");
        }
        if (record(conflicting).isPresent()) {
            violations.add("the agent recorded the conflicting " + conflicting + " as shipped");
        }
        if (record(after).isPresent()) {
            violations.add("the agent recorded " + after + ", which follows the failing " + conflicting
                    + ", while " + conflicting + " was not stored");
        }
        if (xlogDbNames().contains(after) || Files.exists(store.walPath(SERVER, after))) {
            violations.add("the receiver stored " + after + ", which follows the failing " + conflicting
                    + ", while " + conflicting + " was not stored (agent log:\n"
                    + agent.log().lines().filter(l -> l.contains(after) || l.contains(conflicting))
                    .collect(Collectors.joining("\n")) + ")");
        }
        assertEquals(storeBefore.get(relative(store.walPath(SERVER, conflicting))),
                store.snapshot().get(relative(store.walPath(SERVER, conflicting))),
                "expected the pre-stored " + conflicting + " untouched by the conflicting pushes");

        // The operator removes the wrong file and its xlog.db line, once the archiver has paused between tries.
        awaitArchiverQuiet();
        removeFromStore(conflicting);

        await("the agent shipping " + conflicting + " and " + after + " after the fix", () ->
                record(conflicting).equals(Optional.of(stamp(conflicting)))
                        && record(after).equals(Optional.of(stamp(after))));
        // A new segment wakes the archiver, which now finds its segments shipped.
        produced.add(switchExpecting(segmentAfter(current, 4)));
        for (String name : produced) {
            cluster.waitArchived(name, TIMEOUT);
        }
        cluster.waitAllArchived(TIMEOUT);
        for (String name : produced.subList(0, 4)) {
            assertEquals(Optional.of(stamp(name)), record(name), "expected the agent's record of " + name + context());
        }
        for (String name : produced) {
            assertStoredIdentical(name);
        }
        segments.addAll(produced);
        assertXlogDbListsEachOnce(segments);
        assertEquals(produced.getLast(), archiver().lastArchivedWal());
        assertEquals(List.of(), violations, "expected the agent to hold back everything after the failing "
                + conflicting + context());
    }

    @Test
    @Order(4)
    void killedAgentAndRestartedReceiverLoseNothingAndStoreNothingTwice() throws IOException {
        List<String> burst = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            burst.add(cluster.switchWal());
            if (i == 1) {
                agent.kill();
            }
        }
        startAgent();
        for (String name : burst) {
            cluster.waitArchived(name, TIMEOUT);
        }
        cluster.waitAllArchived(TIMEOUT);
        for (String name : burst) {
            assertStoredIdentical(name);
        }
        segments.addAll(burst);
        assertXlogDbListsEachOnce(segments);
        System.out.println("[restart] after SIGKILL mid-burst, records of the burst: "
                + burst.stream().filter(n -> recordUnchecked(n).isPresent()).toList() + " of " + burst);

        Archiver before = archiver();
        String shippedEarlier = segments.get(2);
        receiver.close();
        receiver = null;
        List<String> whileDown = List.of(cluster.switchWal(), cluster.switchWal());
        String first = whileDown.getFirst();
        await("the agent and the archiver failing on " + first + " without the receiver", () -> {
            Archiver now = archiver();
            return agent.logLines("could not ship " + first) >= 1 && now.failedCount() > before.failedCount()
                    && now.lastFailedWal().equals(first);
        });

        // Without a receiver: a shipped segment is still answered from its record, an unshipped one is not.
        Proc.Result fast = asPostgresInDataDir(List.of(launcher.toString(), "push", "--config",
                agentConfig.toString(), "pg_wal/" + shippedEarlier, shippedEarlier));
        assertEquals(0, fast.exitCode(), "expected the launcher to answer for shipped " + shippedEarlier + ": "
                + fast.describe());
        Proc.Result java = asPostgresInDataDir(List.of(launcher.toString(), "push", "pg_wal/" + shippedEarlier,
                shippedEarlier, "--config", agentConfig.toString()));
        assertEquals(0, java.exitCode(), "expected Java to answer for shipped " + shippedEarlier + ": "
                + java.describe());
        Proc.Result unshipped = asPostgresInDataDir(List.of(launcher.toString(), "push", "--config",
                agentConfig.toString(), "pg_wal/" + first, first));
        assertEquals(EXIT_UNREACHABLE, unshipped.exitCode(), "expected push of unshipped " + first
                + " to fail while the receiver is down: " + unshipped.describe());
        for (String name : whileDown) {
            assertEquals(Optional.empty(), record(name), "expected no record of " + name + " without a receiver");
        }

        awaitArchiverQuiet();
        startReceiver();
        assertEquals(receiverPort, receiver.port(), "expected the receiver back on its port");
        await("the agent shipping " + whileDown + " to the restarted receiver", () -> {
            for (String name : whileDown) {
                if (!record(name).equals(Optional.of(stamp(name)))) {
                    return false;
                }
            }
            return true;
        });
        List<String> caughtUp = new ArrayList<>(whileDown);
        caughtUp.add(cluster.switchWal());
        for (String name : caughtUp) {
            cluster.waitArchived(name, TIMEOUT);
        }
        cluster.waitAllArchived(TIMEOUT);
        for (String name : caughtUp) {
            assertStoredIdentical(name);
        }
        segments.addAll(caughtUp);
        assertXlogDbListsEachOnce(segments);
    }

    @Test
    @Order(5)
    void byDefaultTheFirstPushStartsTheAgentAndOneStartedByHandTakesOverFromIt() throws IOException {
        agent.stop();
        assertEquals(List.of(), AgentProcess.agentsFor(agentConfig), "expected no agent running");
        Path log = spool.resolve(SERVER).resolve("agent.log");
        assertFalse(Files.exists(log), "expected no " + log + " before push starts an agent");
        Files.writeString(agentConfig, Files.readString(agentConfig).replace("start_agent = no\n", ""));

        String first = cluster.switchWal();
        await("an agent started by walship push", () -> Files.exists(log)
                && !AgentProcess.agentsFor(agentConfig).isEmpty());
        cluster.waitArchived(first, TIMEOUT);
        List<ProcessHandle> started = AgentProcess.agentsFor(agentConfig);
        assertEquals(1, started.size(), "expected exactly one agent: " + describe(started));
        ProcessHandle background = started.getFirst();
        if (RunAs.root()) {
            assertEquals(Optional.of(RunAs.PG_USER), background.info().user(),
                    "expected the agent to run as " + RunAs.PG_USER + ": " + describe(started));
        }
        assertTrue(background.info().commandLine().orElse("").contains("--pgdata " + cluster.dataDir()),
                "expected the agent to watch the data directory the archiver runs in: " + describe(started));
        assertEquals(1, cluster.serverLog().lines().filter(line -> line.equals("walship push: started the agent (pid "
                + background.pid() + ") for " + cluster.dataDir() + "; log in " + log)).count(),
                "expected one start line in PostgreSQL's log:\n" + cluster.logTail());

        String next = cluster.switchWal();
        await("the started agent shipping " + next, () -> record(next).equals(Optional.of(stamp(next)))
                && Files.readString(log).contains("shipped " + next + " ("));
        cluster.waitArchived(next, TIMEOUT);
        segments.add(first);
        segments.add(next);
        assertStoredIdentical(next);
        assertXlogDbListsEachOnce(segments);

        // As walship-agent@.service starts it: it takes over, and the agent that push started leaves.
        startAgent();
        await("the agent push started leaving", () -> !background.isAlive());
        assertTrue(agent.log().contains("the agent walship push started (pid " + background.pid() + ") ships for this "
                + "server; asking it to stop, to take over"), agent.describe("took over"));
        assertTrue(Files.readString(log).contains(" INFO stopped on SIGTERM"), Tail.of(Files.readString(log), 6));
        String taken = cluster.switchWal();
        await("the agent started by hand shipping " + taken, () -> agent.logLines("shipped " + taken + " (") == 1);
        cluster.waitArchived(taken, TIMEOUT);
        segments.add(taken);
        assertStoredIdentical(taken);
        assertXlogDbListsEachOnce(segments);
        assertEquals(List.of(agent.jvm().pid()), AgentProcess.agentsFor(agentConfig).stream().map(ProcessHandle::pid)
                .toList(), "expected the agent started by hand alone");

        Proc.Result second = asPostgresInDataDir(List.of(launcher.toString(), "agent", "--config",
                agentConfig.toString(), "--pgdata", cluster.dataDir().toString()));
        assertEquals(2, second.exitCode(), "expected a second agent started by hand to refuse: "
                + second.describe());
        assertTrue(second.stderr().contains("another agent already ships"), second.describe());
        System.out.println("[start_agent] " + log + ":\n" + Tail.of(Files.readString(log), 6));
    }

    /**
     * Barman reads xlog.db front to back and stops at the first name past what it needs (server.py:
     * get_required_xlog_files for target_lsn and target_immediate, get_wal_until_next_backup), so a segment listed
     * after a later one is not restored. Parallel uploads and a held-back segment must still leave the lines of a
     * timeline in ascending name order.
     */
    @Test
    @Order(6)
    void xlogDbListsTheSegmentsInAscendingNameOrderAsBarmanReadsThem() throws IOException {
        List<String> names = xlogDbNames();
        assertEquals(names.stream().sorted().toList(), names, "expected the lines of " + store.xlogDb(SERVER)
                + " (all on timeline 1) in ascending name order");
    }

    // --------------------------------------------------------------------------------------------------------
    // Setup

    private void startReceiver() throws IOException {
        if (receiverConfig == null) {
            Path barmanHome = bed.directory("barman");
            store = new ExpectedBarmanLayout(barmanHome);
            receiverConfig = ReceiverConfigFile.barmanHome(barmanHome).port(receiverPort).tls(certs, "receiver")
                    .set("compression", "zstd").set("barman_version", "none").server(SERVER, "pg-agent").writeTo(bed.resolve("receiver.conf"));
        }
        receiverStarts++;
        receiver = bed.launcher().startReceiver(receiverConfig, bed.resolve("receiver-" + receiverStarts + ".stderr"));
    }

    private void configureAgent() throws IOException {
        PostgresAgentDir agentFiles = bed.postgresAgent(certs, "pg-agent");
        spool = bed.directory("spool");
        shipped = spool.resolve(SERVER).resolve("shipped");
        // Until order 5, the agent is the one this test starts and stops.
        agentConfig = agentFiles.write("agent.conf", agentFiles.config(SERVER, receiverPort)
                .set("spool_directory", spool).set("push_concurrency", 3).set("start_agent", "no"));
        RunAs.giveToPostgres(spool);

        testConfig = AgentConfigFile.forServer(SERVER, receiverPort)
                .tls(certs.caCertificate(), certs.certificate("pg-agent"), certs.key("pg-agent"))
                .set("spool_directory", bed.resolve("test-agent/spool"))
                .writeTo(bed.directory("test-agent").resolve("agent.conf"));
    }

    private void startArchivingPrimary() throws IOException {
        launcher = bed.launcherForPostgres();
        cluster = bed.archivingCluster(ShellCommand.push(launcher, agentConfig), Map.of(
                // Archived segments stay in pg_wal (no checkpoint recycles them), so they can be compared with
                // what the receiver stored, and the agent keeps its records of them.
                "wal_keep_size", "2GB",
                "max_wal_size", "4GB",
                "checkpoint_timeout", "1h"));
    }

    private void startAgent() throws IOException {
        if (agent != null && agent.alive()) {
            fail("an agent still runs: " + agent.describe(""));
        }
        agentStarts++;
        agent = AgentProcess.start(launcher, agentConfig, cluster.dataDir(),
                bed.resolve("agent-" + agentStarts + ".log"), TIMEOUT);
    }

    // --------------------------------------------------------------------------------------------------------
    // Checks

    /** What the agent records: {@code SIZE SECONDS.NANOSECONDS} of the file in pg_wal, as GNU stat prints it. */
    private String stamp(String name) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(walFile(name), BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        Instant mtime = attributes.lastModifiedTime().toInstant();
        return attributes.size() + " " + mtime.getEpochSecond() + "." + String.format("%09d", mtime.getNano());
    }

    private Optional<String> record(String name) throws IOException {
        Path file = shipped.resolve(name);
        return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.US_ASCII).strip())
                : Optional.empty();
    }

    private Optional<String> recordUnchecked(String name) {
        try {
            return record(name);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Path walFile(String name) {
        return cluster.dataDir().resolve("pg_wal").resolve(name);
    }

    private void assertStoredIdentical(String name) throws IOException {
        Path stored = store.walPath(SERVER, name);
        assertTrue(Files.isRegularFile(stored), "expected " + name + " stored at " + stored + context());
        byte[] original = Files.readAllBytes(walFile(name));
        byte[] restored = StoredCodec.decompress(Files.readAllBytes(stored));
        assertTrue(Arrays.equals(original, restored), () -> "expected " + stored + " to decompress to pg_wal's "
                + name + " (" + original.length + " bytes), found " + restored.length
                + " bytes differing from index " + Arrays.mismatch(original, restored));
    }

    private List<String> xlogDbNames() throws IOException {
        Path xlogDb = store.xlogDb(SERVER);
        return Files.exists(xlogDb) ? store.xlogDbEntries(SERVER).stream().map(XlogDbEntry::name).toList() : List.of();
    }

    private void assertXlogDbListsEachOnce(List<String> expected) throws IOException {
        List<String> names = xlogDbNames();
        Set<String> duplicates = names.stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
                .entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), duplicates, "expected no duplicate lines in " + store.xlogDb(SERVER));
        List<String> missing = expected.stream().filter(n -> !names.contains(n)).toList();
        assertEquals(List.of(), missing, "expected every archived segment in " + store.xlogDb(SERVER));
    }

    private record Archiver(long archivedCount, String lastArchivedWal, long failedCount, String lastFailedWal) {
    }

    private Archiver archiver() throws IOException {
        String[] row = cluster.psql("select archived_count, coalesce(last_archived_wal, ''), failed_count,"
                + " coalesce(last_failed_wal, '') from pg_stat_archiver;").split("\\|", -1);
        return new Archiver(Long.parseLong(row[0]), row[1], Long.parseLong(row[2]), row[3]);
    }

    /** Waits until the archiver has given up its round of tries and sleeps (no new failure for a while). */
    private void awaitArchiverQuiet() throws IOException {
        long[] last = {archiver().failedCount(), System.nanoTime()};
        await("the archiver pausing between rounds of tries", () -> {
            long failed = archiver().failedCount();
            if (failed != last[0]) {
                last[0] = failed;
                last[1] = System.nanoTime();
            }
            return System.nanoTime() - last[1] >= ARCHIVER_QUIET.toNanos();
        });
    }

    /** What an operator does about a wrong archived file: delete it and its xlog.db line, under Barman's lock. */
    private void removeFromStore(String name) throws IOException {
        Path lock = store.serverDir(SERVER).getParent().resolve("." + SERVER + "-xlogdb.lock");
        Path kept = bed.resolve("xlog.db.kept");
        Proc.check(List.of("flock", "-w", "30", lock.toString(), "sh", "-c",
                        "grep -v -F -- \"$1\" \"$2\" > \"$3\" && cat \"$3\" > \"$2\" && rm -- \"$4\"",
                        "sh", name + "\t", store.xlogDb(SERVER).toString(), kept.toString(),
                        store.walPath(SERVER, name).toString()),
                bed.dir(), Duration.ofSeconds(60));
        assertFalse(xlogDbNames().contains(name), "expected " + name + " gone from " + store.xlogDb(SERVER));
        assertFalse(Files.exists(store.walPath(SERVER, name)));
    }

    /**
     * The segment PostgreSQL writes now. Something is written first: right after a switch the insert position is
     * the new segment's very first byte, which pg_walfile_name attributes to the previous segment.
     */
    private String currentSegment() throws IOException {
        return cluster.psql("""
                create table if not exists walship_it_rows (id bigserial primary key, payload text);
                insert into walship_it_rows (payload) values ('where are we');
                select pg_walfile_name(pg_current_wal_lsn());
                """);
    }

    private String switchExpecting(String expected) throws IOException {
        String name = cluster.switchWal();
        assertEquals(expected, name, "expected the switched segment to be the one the test planned for");
        return name;
    }

    private interface Condition {
        boolean holds() throws IOException;
    }

    private void await(String what, Condition condition) throws IOException {
        if (!PostgresCluster.poll(TIMEOUT, condition::holds)) {
            fail("waited " + TIMEOUT + " for " + what + context());
        }
    }

    /** The state of everything, for failure messages. */
    private String context() {
        StringBuilder text = new StringBuilder();
        try {
            text.append("\n--- pg_stat_archiver --- ").append(archiver());
            text.append("\n--- records ").append(shipped).append(" --- ");
            try (Stream<Path> files = Files.exists(shipped) ? Files.list(shipped) : Stream.empty()) {
                text.append(files.map(p -> p.getFileName().toString()).sorted().toList());
            }
            text.append("\n--- xlog.db --- ").append(xlogDbNames());
            if (agent != null) {
                text.append("\n--- agent log (tail) ---\n").append(Tail.of(agent.log(), 40));
            }
        } catch (IOException | RuntimeException e) {
            text.append("\n(could not collect more context: ").append(e).append(')');
        }
        if (receiver != null) {
            text.append(receiver.logTail(20));
        }
        return text.toString();
    }

    // --------------------------------------------------------------------------------------------------------
    // Pushes as PostgreSQL runs them

    private Proc.Result asPostgresInDataDir(List<String> command) throws IOException {
        return Proc.run(RunAs.postgres(command), cluster.dataDir(), null, TIMEOUT);
    }

    /**
     * {@code FAST_PATH_CALLS} pushes of {@code name}, timed in one shell as the postgres user in the data directory
     * (no runuser or process start of the test in the measurement); each must exit 0 and print nothing.
     */
    private List<Long> timedPushes(Path launcherToTime, String name, Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>(List.of("env", "LC_ALL=C"));
        env.forEach((k, v) -> command.add(k + "=" + v));
        command.addAll(List.of("bash", "-c", """
                for i in $(seq 1 "$4"); do
                  s=$EPOCHREALTIME
                  "$1" push --config "$2" "pg_wal/$3" "$3"
                  rc=$?
                  e=$EPOCHREALTIME
                  echo "$rc $(( ${e/./} - ${s/./} ))"
                done
                """, "bash", launcherToTime.toString(), agentConfig.toString(), name,
                Integer.toString(FAST_PATH_CALLS)));
        Proc.Result result = asPostgresInDataDir(command).assertSuccess("timing pushes of " + name);
        assertEquals("", result.stderr(), "expected the answered pushes to print nothing: " + result.describe());
        List<String> lines = result.stdout().lines().toList();
        assertEquals(FAST_PATH_CALLS, lines.size(), result.describe());
        List<Long> micros = new ArrayList<>();
        for (String line : lines) {
            String[] fields = line.split(" ");
            assertEquals("0", fields[0], "expected every push of shipped " + name + " with " + launcherToTime
                    + " to exit 0: " + result.describe());
            micros.add(Long.parseLong(fields[1]));
        }
        return micros;
    }

    /** Nearest-rank percentile of microsecond values, in milliseconds. */
    private static double percentile(List<Long> micros, int p) {
        List<Long> sorted = micros.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1)) / 1000.0;
    }

    // --------------------------------------------------------------------------------------------------------
    // WAL names and files

    private static String segmentAfter(String name, int count) {
        long timeline = Long.parseLong(name.substring(0, 8), 16);
        long perLog = 0x1_0000_0000L / SEGMENT_SIZE;
        long number = Long.parseLong(name.substring(8, 16), 16) * perLog + Long.parseLong(name.substring(16, 24), 16)
                + count;
        return String.format("%08X%08X%08X", timeline, number / perLog, number % perLog);
    }

    private static long startLsn(String name) {
        return Long.parseLong(name.substring(8, 16), 16) * 0x1_0000_0000L
                + Long.parseLong(name.substring(16, 24), 16) * SEGMENT_SIZE;
    }

    private String relative(Path stored) {
        return store.serverDir(SERVER).getParent().relativize(stored).toString();
    }

    private static String describe(List<ProcessHandle> processes) {
        return processes.stream().map(p -> p.pid() + " " + p.info().user().orElse("?") + " "
                + p.info().commandLine().orElse("?")).collect(Collectors.joining("; ", "[", "]"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
