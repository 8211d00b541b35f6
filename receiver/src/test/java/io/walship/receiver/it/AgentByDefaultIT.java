package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The agent as a set-up that follows the README gets it: a PostgreSQL 15 primary archives through the launcher with
 * a configuration that does not mention start_agent, and nobody starts an agent. The first push starts it, it ships
 * every segment, every push is answered from its records without a JVM, and it leaves once PostgreSQL has stopped.
 * Where the agent cannot run (a spool directory the postgres user cannot write), each push sends its file itself,
 * exits 0 and says why in one line of PostgreSQL's log.
 *
 * <p>Every JVM the archive_command starts, for a push or the agent, goes through a {@code java} that logs its
 * arguments first ($WALSHIP_JAVA_HOME): how many JVMs push started is counted, not guessed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentByDefaultIT {

    private static final String SERVER = "pg";
    /** The server of the cluster whose agent cannot run: a second cluster may not archive to the first one's. */
    private static final String UNSPOOLED = "unspooled";
    private static final int SEGMENTS = 6;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String MAIN = "io.walship.agent.Walship";

    private final TestBed bed = new TestBed("walship-agent-default-it-");
    private CaDirectory certs;
    private ExpectedBarmanLayout store;
    private ReceiverProcess receiver;
    private PostgresAgentDir agentFiles;
    private Path launcher;

    @BeforeAll
    void startReceiver() throws IOException {
        certs = bed.ca("certs").issue("receiver", "127.0.0.1").issue("pg-agent");
        Path barmanHome = bed.directory("barman");
        store = new ExpectedBarmanLayout(barmanHome);
        receiver = bed.startReceiver(ReceiverConfigFile.barmanHome(barmanHome).tls(certs, "receiver")
                .set("compression", "zstd").set("barman_version", "none").server(SERVER, "pg-agent")
                .server(UNSPOOLED, "pg-agent"));
        agentFiles = bed.postgresAgent(certs, "pg-agent");
        launcher = bed.launcherForPostgres();
    }

    @AfterAll
    void stopEverything() throws Exception {
        bed.close();
    }

    @Test
    @Order(1)
    void theFirstPushStartsTheAgentWhichShipsEverySegmentAndLeavesOncePostgresHasStopped() throws IOException {
        Path spool = bed.postgresDirectory("spool");
        Path serverSpool = spool.resolve(SERVER);
        Path config = agentFiles.write("agent.conf", agentFiles.config(SERVER, receiver.port())
                .set("spool_directory", spool));
        assertFalse(Files.readString(config).contains("start_agent"), Files.readString(config));
        Path jvms = bed.postgresDirectory("jvms").resolve("started");
        // Before the cluster, so that it runs after it, should the agent not have left by itself.
        bed.closeLater(() -> AgentProcess.endAgentsFor(config));
        PostgresCluster cluster = bed.archivingCluster(withCountedJvms(jvms, ShellCommand.push(launcher, config)),
                Map.of("wal_keep_size", "1GB", "max_wal_size", "2GB", "checkpoint_timeout", "1h"));

        List<String> segments = new ArrayList<>();
        for (int i = 0; i < SEGMENTS; i++) {
            segments.add(cluster.switchWal());
        }
        for (String name : segments) {
            cluster.waitArchived(name, TIMEOUT);
        }
        cluster.waitAllArchived(TIMEOUT);

        String[] announced = Files.readString(serverSpool.resolve("agent.pid")).strip().split(" ", 2);
        long pid = Long.parseLong(announced[0]);
        ProcessHandle agent = ProcessHandle.of(pid).orElseGet(() -> fail("no agent with pid " + pid + context(
                cluster, serverSpool, jvms)));
        assertEquals(cluster.dataDir().toString(), announced[1]);
        assertTrue(Files.exists(serverSpool.resolve(".agent.lock")));
        assertTrue(agent.info().commandLine().orElse("").contains(" " + MAIN + " agent --config " + config
                + " --pgdata " + cluster.dataDir() + " --on-demand"), agent.info().commandLine().orElse("?"));
        if (RunAs.root()) {
            assertEquals(Optional.of(RunAs.PG_USER), agent.info().user());
        }

        String agentLog = Files.readString(serverSpool.resolve("agent.log"));
        for (String name : segments) {
            assertEquals(Optional.of(stamp(cluster, name)), record(serverSpool, name), "expected the agent's record of "
                    + name + context(cluster, serverSpool, jvms));
            assertTrue(agentLog.contains("shipped " + name + " (STORED"), "expected the agent to have shipped " + name
                    + context(cluster, serverSpool, jvms));
            assertStoredIdentical(cluster, SERVER, name);
        }
        assertEquals(List.of(), duplicates(SERVER), "expected each file indexed once in xlog.db");

        List<String> pushLines = pushLines(cluster);
        assertEquals(List.of("walship push: started the agent (pid " + pid + ") for " + cluster.dataDir() + "; log in "
                + serverSpool.resolve("agent.log")), pushLines, "expected the start to be all that push said"
                + context(cluster, serverSpool, jvms));
        List<String> started = Files.readAllLines(jvms);
        assertEquals(1, started.size(), "expected one JVM, the agent's, and none for a push: " + started);
        assertTrue(started.getFirst().contains(" " + MAIN + " agent --config " + config), started.getFirst());
        Archiver archiver = Archiver.of(cluster);
        assertTrue(archiver.archived() >= SEGMENTS, archiver.toString());
        assertEquals(0, archiver.failed(), "expected every push to exit 0: " + archiver);

        Proc.Result check = asPostgres(cluster, List.of(launcher.toString(), "check", "--config", config.toString(),
                "--pgdata", cluster.dataDir().toString()));
        assertTrue(check.stdout().contains("\tagent: OK (running (pid " + pid + ", started by walship push) for "
                + cluster.dataDir() + ")\n"), check.describe());
        Proc.Result status = asPostgres(cluster, List.of(launcher.toString(), "status", "--config",
                config.toString(), "--pgdata", cluster.dataDir().toString()));
        assertTrue(status.stdout().contains("\tagent: running (pid " + pid + ", started by walship push), shipping\n"),
                status.describe());

        // A second start, as a push racing the first would make: the lock decides, quietly, and nothing changes.
        Proc.Result second = asPostgres(cluster, List.of(launcher.toString(), "agent", "--config", config.toString(),
                "--pgdata", cluster.dataDir().toString(), "--on-demand"));
        assertEquals(0, second.exitCode(), second.describe());
        assertTrue(second.stderr().contains(" INFO another agent already ships for server '" + SERVER + "'")
                && second.stderr().contains("this one is not needed"), second.describe());
        assertTrue(agent.isAlive(), "expected the first agent to ship on");
        assertEquals(pid + " " + cluster.dataDir(), Files.readString(serverSpool.resolve("agent.pid")).strip());

        cluster.stop();
        boolean left = PostgresCluster.poll(Duration.ofSeconds(30), () -> !agent.isAlive());
        List<String> lines = Files.readAllLines(serverSpool.resolve("agent.log"));
        assertTrue(left, "expected the agent to stop on its own within 30 s of PostgreSQL; its log ends:\n"
                + Tail.of(String.join("\n", lines), 10));
        String why = "PostgreSQL of " + cluster.dataDir() + " has stopped (its postmaster.pid is gone)";
        assertTrue(lines.stream().anyMatch(l -> l.contains(" INFO " + why + "; stopping once the uploads under way "
                + "are answered")), String.join("\n", lines));
        assertTrue(lines.getLast().endsWith(" INFO stopped: " + why), lines.getLast());
        assertFalse(Files.exists(serverSpool.resolve("agent.pid")), "expected the agent to withdraw its agent.pid");
        System.out.println("[agent by default] " + segments.size() + " segments shipped by the agent push started,"
                + " 1 JVM in all; PostgreSQL's log: " + pushLines + "; the agent's last lines:\n"
                + Tail.of(String.join("\n", lines), 3));
    }

    @Test
    @Order(2)
    void aSpoolThePostgresUserCannotWriteLeavesEachPushToSendItsFileSayingWhyInOneLine() throws IOException {
        // Not the postgres user's, and read-only for whoever else runs the tests.
        Path spool = bed.directory("root-spool");
        Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("r-xr-xr-x"));
        Path config = agentFiles.write("unwritable.conf", agentFiles.config(UNSPOOLED, receiver.port())
                .set("spool_directory", spool));
        bed.closeLater(() -> AgentProcess.endAgentsFor(config));
        PostgresCluster cluster = bed.archivingCluster(ShellCommand.push(launcher, config),
                Map.of("wal_keep_size", "1GB", "checkpoint_timeout", "1h"));

        List<String> segments = List.of(cluster.switchWal(), cluster.switchWal());
        for (String name : segments) {
            cluster.waitArchived(name, TIMEOUT);
        }
        cluster.waitAllArchived(TIMEOUT);

        Archiver archiver = Archiver.of(cluster);
        assertEquals(0, archiver.failed(), "expected every push to exit 0: " + archiver + "\n" + cluster.logTail());
        String user = RunAs.root() ? RunAs.PG_USER : System.getProperty("user.name");
        Path serverSpool = spool.resolve(UNSPOOLED);
        String why = "walship push: the agent could not start (spool_directory: " + user + " cannot write "
                + serverSpool + "; create " + spool + " owned by " + user + ", or set spool_directory in [agent] of "
                + config + "); sending ";
        List<String> pushLines = pushLines(cluster);
        assertEquals(archiver.archived(), pushLines.size(), "expected one line for each push: " + pushLines);
        for (String line : pushLines) {
            assertTrue(line.startsWith(why) && line.endsWith(" itself"), "expected\n  " + why + "NAME itself\nfound\n  "
                    + line);
        }
        for (String name : segments) {
            assertTrue(pushLines.contains(why + name + " itself"), name + " in " + pushLines);
            assertStoredIdentical(cluster, UNSPOOLED, name);
        }
        String log = cluster.serverLog();
        assertFalse(log.contains("Exception") || log.contains("\tat "), "expected no stack trace:\n" + log);
        assertEquals(List.of(), AgentProcess.agentsFor(config), "expected no agent");

        Proc.Result check = asPostgres(cluster, List.of(launcher.toString(), "check", "--config", config.toString(),
                "--pgdata", cluster.dataDir().toString()));
        assertTrue(check.stdout().contains("\tagent: WARNING (not running, and walship push cannot start it: "
                + "spool_directory: " + user + " cannot write " + serverSpool), check.describe());
    }

    // --------------------------------------------------------------------------------------------------------

    /** {@code command} with $WALSHIP_JAVA_HOME a JDK whose java appends its arguments to {@code log}, then runs. */
    private String withCountedJvms(Path log, String command) throws IOException {
        Path realHome = Path.of(System.getProperty("java.home"));
        Path home = bed.directory("counting-jdk");
        Files.copy(realHome.resolve("release"), home.resolve("release"));
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> " + ShellCommand.quote(log) + "\nexec "
                + ShellCommand.quote(realHome.resolve("bin/java")) + " \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(log, "");
        RunAs.giveToPostgres(log);
        return "WALSHIP_JAVA_HOME=" + ShellCommand.quote(home) + " " + command;
    }

    /** What walship push wrote into PostgreSQL's log, line by line. */
    private static List<String> pushLines(PostgresCluster cluster) throws IOException {
        return cluster.serverLog().lines().filter(line -> line.startsWith("walship push: ")).toList();
    }

    private Proc.Result asPostgres(PostgresCluster cluster, List<String> command) throws IOException {
        return Proc.run(RunAs.postgres(command), cluster.dataDir(), null, TIMEOUT);
    }

    private record Archiver(long archived, long failed) {

        static Archiver of(PostgresCluster cluster) throws IOException {
            String[] row = cluster.psql("select archived_count, failed_count from pg_stat_archiver;").split("\\|");
            return new Archiver(Long.parseLong(row[0]), Long.parseLong(row[1]));
        }
    }

    private static String stamp(PostgresCluster cluster, String name) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(cluster.dataDir().resolve("pg_wal").resolve(name),
                BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Instant mtime = attributes.lastModifiedTime().toInstant();
        return attributes.size() + " " + mtime.getEpochSecond() + "." + String.format("%09d", mtime.getNano());
    }

    private static Optional<String> record(Path serverSpool, String name) throws IOException {
        Path file = serverSpool.resolve("shipped").resolve(name);
        return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.US_ASCII).strip())
                : Optional.empty();
    }

    private void assertStoredIdentical(PostgresCluster cluster, String server, String name) throws IOException {
        Path stored = store.walPath(server, name);
        assertTrue(Files.isRegularFile(stored), "expected " + name + " stored at " + stored);
        byte[] original = Files.readAllBytes(cluster.dataDir().resolve("pg_wal").resolve(name));
        byte[] restored = StoredCodec.decompress(Files.readAllBytes(stored));
        assertTrue(Arrays.equals(original, restored), () -> "expected " + stored + " to decompress to pg_wal's "
                + name + " (" + original.length + " bytes), found " + restored.length + " bytes differing from index "
                + Arrays.mismatch(original, restored));
    }

    private List<String> duplicates(String server) throws IOException {
        return store.xlogDbEntries(server).stream().collect(Collectors.groupingBy(XlogDbEntry::name,
                Collectors.counting())).entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .toList();
    }

    /** The state of the agent's side, for failure messages. */
    private String context(PostgresCluster cluster, Path serverSpool, Path jvms) {
        StringBuilder text = new StringBuilder();
        try {
            text.append("\n--- JVMs started ---\n").append(Files.readString(jvms));
            Path log = serverSpool.resolve("agent.log");
            text.append("\n--- agent log (tail) ---\n").append(Files.exists(log) ? Tail.of(Files.readString(log), 30)
                    : "(none)");
        } catch (IOException e) {
            text.append("\n(could not collect more context: ").append(e).append(')');
        }
        return text.append("\n--- server log ---\n").append(cluster.logTail()).append(receiver.logTail(20))
                .toString();
    }
}
