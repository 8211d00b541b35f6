package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.testing.AgentConfigFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code walship check} run as the postgres user against a real receiver and real PostgreSQL clusters: all OK on a
 * good setup, and each broken thing named on a bad one, with the exit code saying so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CheckIT {

    private static final String SERVER = "pg";
    private static final String BROKEN_SERVER = "broken";
    /** Nothing is archived to it: a segment switched to is never stored there, whatever the other clusters sent. */
    private static final String UNARCHIVED_SERVER = "unarchived";
    private static final Duration ARCHIVE_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern LINE = Pattern.compile("^\\t([^:]+): (OK|WARNING|FAILED)(?: \\((.*)\\))?$",
            Pattern.MULTILINE);

    private final TestBed bed = new TestBed("walship-check-it-");
    private CaDirectory certs;
    private ReceiverProcess receiver;
    private PostgresAgentDir agentFiles;
    private Path agentConfig;
    private PostgresCluster cluster;
    private Path barmanHome;

    @BeforeAll
    void startReceiverAndCluster() throws IOException {
        certs = bed.ca("certs").issue("receiver", "127.0.0.1").issue("pg-agent").issue("other-agent");
        barmanHome = bed.directory("barman");
        Files.createDirectories(barmanHome.resolve(BROKEN_SERVER).resolve("wals"));
        receiver = bed.startReceiver(ReceiverConfigFile.barmanHome(barmanHome).tls(certs, "receiver")
                .set("compression", "gzip").set("barman_version", "3.4").server(SERVER, "pg-agent")
                .server(BROKEN_SERVER, "pg-agent").server(UNARCHIVED_SERVER, "pg-agent"));
        agentFiles = bed.postgresAgent(certs, "pg-agent");
        agentConfig = agentFiles.write("agent.conf", config(SERVER, receiver.port()));
        cluster = bed.archivingCluster(ShellCommand.push(bed.launcherForPostgres(), agentConfig));
    }

    @AfterAll
    void stopEverything() throws Exception {
        bed.close();
    }

    @Test
    @Order(1)
    void aGoodSetupPassesEveryCheck() throws IOException {
        cluster.waitArchived(cluster.switchWal(), ARCHIVE_TIMEOUT);

        Proc.Result check = check(agentConfig, cluster.dataDir());

        assertEquals(0, check.exitCode(), check.describe());
        Map<String, String> status = statuses(check);
        for (String name : List.of("configuration", "ca_file", "cert_file", "key_file", "receiver", "authorized",
                "compression", "archive directories", "Barman lock", "free space", "PostgreSQL", "archive_mode",
                "archive_command", "wal_level", "archiver failures", "ready backlog", "agent")) {
            assertEquals("OK", status.get(name), name + " in\n" + check.stdout());
        }
        assertTrue(check.stdout().startsWith("Server " + SERVER + ":\n"), check.stdout());
        assertTrue(detail(check, "compression").contains("gzip, read by Barman 3.4"), check.stdout());
        assertTrue(detail(check, "key_file").startsWith("mode 0600"), check.stdout());
        assertTrue(detail(check, "agent").startsWith("not running"), check.stdout());
    }

    @Test
    @Order(2)
    void nagiosSaysOkInOneLine() throws IOException {
        Proc.Result check = check(agentConfig, cluster.dataDir(), "--nagios");

        assertEquals(0, check.exitCode(), check.describe());
        assertEquals(1, check.stdout().lines().count(), check.stdout());
        assertTrue(check.stdout().startsWith("WALSHIP CHECK OK - server pg: "), check.stdout());
        assertTrue(check.stdout().contains("| checks="), check.stdout());
    }

    @Test
    @Order(3)
    void switchWalWaitsUntilTheReceiverHasTheSegment() throws IOException {
        Proc.Result check = check(agentConfig, cluster.dataDir(), "--switch-wal", "--timeout", "60");

        assertEquals(0, check.exitCode(), check.describe());
        Matcher stored = Pattern.compile("WAL switch: OK \\(([0-9A-F]{24}) stored by the receiver").matcher(
                check.stdout());
        assertTrue(stored.find(), check.stdout());
        String segment = stored.group(1);
        Path file = barmanHome.resolve(SERVER).resolve("wals").resolve(segment.substring(0, 16)).resolve(segment);
        assertTrue(Files.isRegularFile(file), file + " after\n" + check.stdout());
    }

    @Test
    @Order(4)
    void aKeyReadableByOthersFails() throws IOException {
        Path key = agentFiles.dir().resolve("open.key");
        Files.copy(agentFiles.dir().resolve("pg-agent.key"), key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        RunAs.giveToPostgres(key);
        Path config = agentFiles.write("open-key.conf", AgentConfigFile.forServer(SERVER, receiver.port())
                .tls(Path.of("ca.crt"), Path.of("pg-agent.crt"), Path.of("open.key")));

        Proc.Result check = check(config, cluster.dataDir());

        assertEquals(1, check.exitCode(), check.describe());
        assertEquals("FAILED", statuses(check).get("key_file"), check.stdout());
        assertTrue(detail(check, "key_file").contains("has mode 0644") && detail(check, "key_file")
                .contains("chmod 600 " + key), check.stdout());
    }

    @Test
    @Order(5)
    void anExpiredCertificateFails() throws IOException, GeneralSecurityException {
        Instant now = Instant.now();
        X509Certificate old = DatedCertificate.issue(certs, "old-agent", now.minus(Duration.ofDays(60)),
                now.minus(Duration.ofDays(2)), agentFiles.dir());
        Files.setPosixFilePermissions(agentFiles.dir().resolve("old-agent.key"),
                PosixFilePermissions.fromString("rw-------"));
        RunAs.giveToPostgres(agentFiles.dir());
        Path config = agentFiles.write("old.conf", AgentConfigFile.forServer(SERVER, receiver.port())
                .tls(Path.of("ca.crt"), Path.of("old-agent.crt"), Path.of("old-agent.key")));

        Proc.Result check = check(config, cluster.dataDir());

        assertEquals(1, check.exitCode(), check.describe());
        assertEquals("FAILED", statuses(check).get("cert_file"), check.stdout());
        assertTrue(detail(check, "cert_file").contains("expired on"), check.stdout());
        assertEquals("FAILED", statuses(check).get("receiver"), check.stdout());
        assertTrue(detail(check, "receiver").contains("the receiver refused this agent's certificate: cert_file "
                + agentFiles.dir().resolve("old-agent.crt") + " (CN=old-agent) expired on "
                + DateTimeFormatter.ISO_INSTANT.format(old.getNotAfter().toInstant()) + "; issue a new one with "
                + "'walship ca issue"), check.stdout());
    }

    @Test
    @Order(6)
    void aCertificateExpiringSoonIsAWarningThatPasses() throws IOException, GeneralSecurityException {
        Instant now = Instant.now();
        Path soon = Files.createDirectories(agentFiles.dir().resolve("soon"));
        DatedCertificate.issue(certs, "pg-agent", now.minus(Duration.ofDays(300)), now.plus(Duration.ofDays(10)), soon);
        Files.setPosixFilePermissions(soon.resolve("pg-agent.key"), PosixFilePermissions.fromString("rw-------"));
        RunAs.giveToPostgres(agentFiles.dir());
        Path config = agentFiles.write("soon.conf", AgentConfigFile.forServer(SERVER, receiver.port())
                .tls(Path.of("ca.crt"), Path.of("soon/pg-agent.crt"), Path.of("soon/pg-agent.key")));

        Proc.Result check = check(config, cluster.dataDir());
        Proc.Result nagios = check(config, cluster.dataDir(), "--nagios");

        assertEquals(0, check.exitCode(), "a WARNING passes: " + check.describe());
        assertEquals("WARNING", statuses(check).get("cert_file"), check.stdout());
        assertTrue(detail(check, "cert_file").contains("expires on"), check.stdout());
        assertEquals(1, nagios.exitCode(), nagios.describe());
        assertTrue(nagios.stdout().startsWith("WALSHIP CHECK WARNING - "), nagios.stdout());
    }

    @Test
    @Order(7)
    void aReceiverThatIsDownFails() throws IOException {
        Path config = agentFiles.write("down.conf", config(SERVER, FixedPortReceiver.freePort()));

        Proc.Result check = check(config, cluster.dataDir(), "--nagios");

        assertEquals(2, check.exitCode(), check.describe());
        assertTrue(check.stdout().startsWith("WALSHIP CHECK CRITICAL - "), check.stdout());
        assertTrue(check.stdout().contains("receiver: FAILED (cannot connect to receiver 127.0.0.1:"), check.stdout());
    }

    @Test
    @Order(8)
    void anUnauthorizedClientFails() throws IOException {
        PostgresAgentDir other = PostgresAgentDir.copy(certs, "other-agent", bed.resolve("other-agent"));
        Path config = other.write("agent.conf", other.config(SERVER, receiver.port()));

        Proc.Result check = check(config, cluster.dataDir());

        assertEquals(1, check.exitCode(), check.describe());
        assertEquals("FAILED", statuses(check).get("authorized"), check.stdout());
        assertTrue(detail(check, "authorized").contains("certificate 'other-agent' is not authorized"),
                check.stdout());
        assertTrue(!statuses(check).containsKey("free space"), "a refused client learns nothing more:\n"
                + check.stdout());
    }

    @Test
    @Order(9)
    void anArchiveTheReceiverCannotWriteFails() throws IOException {
        Path serverDir = barmanHome.resolve(BROKEN_SERVER);
        Proc.check(List.of("rm", "-rf", serverDir.toString()), bed.dir(), Duration.ofSeconds(30));
        Files.writeString(serverDir, "not a directory\n");
        Path config = agentFiles.write("broken.conf", config(BROKEN_SERVER, receiver.port()));

        Proc.Result check = check(config, cluster.dataDir());

        assertEquals(1, check.exitCode(), check.describe());
        assertEquals("FAILED", statuses(check).get("archive directories"), check.stdout());
        assertTrue(detail(check, "archive directories").contains(serverDir + " is not a directory"), check.stdout());
    }

    @Test
    @Order(10)
    void aFailingArchiveCommandAndAHeldBackAgentFail() throws Exception {
        PostgresCluster other = bed.cluster();
        other.initdb();
        other.configure(Map.of("archive_mode", "on", "archive_command", "false", "wal_level", "replica"));
        other.start();
        other.switchWal();
        Path spool = bed.postgresDirectory("held-spool");
        PostgresAgentDir refused = PostgresAgentDir.copy(certs, "other-agent", bed.resolve("held-agent"));
        Path config = refused.write("agent.conf", refused.config(SERVER, receiver.port())
                .set("spool_directory", spool));
        try (AgentProcess agent = AgentProcess.start(bed.launcherForPostgres(), config, other.dataDir(),
                bed.resolve("held-agent.log"), Duration.ofSeconds(60))) {
            boolean held = PostgresCluster.poll(ARCHIVE_TIMEOUT, () -> Files.exists(spool.resolve(SERVER)
                    .resolve("held")));
            assertTrue(held, agent.describe("never held back"));

            Proc.Result check = check(config, other.dataDir());

            assertEquals(1, check.exitCode(), check.describe());
            Map<String, String> status = statuses(check);
            assertEquals("FAILED", status.get("archive_command"), check.stdout());
            assertTrue(detail(check, "archive_command").contains("is 'false'"), check.stdout());
            assertEquals("FAILED", status.get("archiver failures"), check.stdout());
            assertEquals("FAILED", status.get("agent"), check.stdout());
            assertTrue(detail(check, "agent").contains("held back by 000000010000000000000001")
                    && detail(check, "agent").contains("not authorized"), check.stdout());
        }
        other.stop();
    }

    @Test
    @Order(11)
    void aKeyOfAnotherCertificateFails() throws IOException {
        Files.copy(certs.key("other-agent"), agentFiles.dir().resolve("other.key"));
        Files.setPosixFilePermissions(agentFiles.dir().resolve("other.key"),
                PosixFilePermissions.fromString("rw-------"));
        RunAs.giveToPostgres(agentFiles.dir());
        Path config = agentFiles.write("other-key.conf", AgentConfigFile.forServer(SERVER, receiver.port())
                .tls(Path.of("ca.crt"), Path.of("pg-agent.crt"), Path.of("other.key")));

        Proc.Result check = check(config, cluster.dataDir());

        assertEquals(1, check.exitCode(), check.describe());
        assertEquals("FAILED", statuses(check).get("key_file"), check.stdout());
        assertTrue(detail(check, "key_file").contains("does not belong to cert_file"), check.stdout());
    }

    @Test
    @Order(12)
    void archivingSwitchedOffFails() throws IOException {
        Path config = agentFiles.write("archiving-off.conf", config(UNARCHIVED_SERVER, receiver.port()));
        PostgresCluster off = bed.archivingCluster(ShellCommand.push(bed.launcherForPostgres(), config),
                Map.of("archive_mode", "off"));

        Proc.Result check = check(config, off.dataDir());

        assertEquals(1, check.exitCode(), check.describe());
        assertEquals("FAILED", statuses(check).get("archive_mode"), check.stdout());
        assertEquals("is off; set archive_mode = on in postgresql.conf and restart PostgreSQL",
                detail(check, "archive_mode"), check.stdout());
        // PostgreSQL shows archive_command as "(disabled)" then: the command it is set to is judged, and passes.
        assertEquals("OK", statuses(check).get("archive_command"), check.stdout());
        assertTrue(detail(check, "archive_command").endsWith(" %p %f (shown as (disabled) while archive_mode is off)"),
                check.stdout());
        off.stop();
    }

    /** The class's cluster archives to its own server, never to the one this check waits on. */
    @Test
    @Order(13)
    void aSwitchedSegmentNeverStoredTimesOut() throws IOException {
        Path config = agentFiles.write("unarchived.conf", config(UNARCHIVED_SERVER, receiver.port()));
        long started = System.nanoTime();

        Proc.Result check = check(config, cluster.dataDir(), "--switch-wal", "--timeout", "3");

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertEquals(1, check.exitCode(), check.describe());
        assertEquals(List.of("WAL switch"), withStatus(check, "FAILED"), "the switch alone fails:\n" + check.stdout());
        Matcher timedOut = Pattern.compile("^\\tWAL switch: FAILED \\(([0-9A-F]{24}) was not stored by the receiver "
                + "within 3 s of the switch; see archiver failures above", Pattern.MULTILINE).matcher(check.stdout());
        assertTrue(timedOut.find(), check.stdout());
        assertTrue(took.compareTo(Duration.ofSeconds(3)) >= 0, "gave up after " + took + ":\n" + check.stdout());
        cluster.waitArchived(timedOut.group(1), ARCHIVE_TIMEOUT);
    }

    /** The names of the items with {@code status}, in their order. */
    private static List<String> withStatus(Proc.Result check, String status) {
        return statuses(check).entrySet().stream().filter(item -> item.getValue().equals(status))
                .map(Map.Entry::getKey).toList();
    }

    /** Each push sends its own file: the agent is checked where one runs (order 10, AgentByDefaultIT). */
    private AgentConfigFile config(String server, int port) {
        return agentFiles.config(server, port).set("start_agent", "no");
    }

    /** As archive_command runs it: the postgres user, the staged launcher. */
    private Proc.Result check(Path config, Path pgdata, String... more) throws IOException {
        List<String> command = new ArrayList<>(List.of(bed.launcherForPostgres().toString(), "check", "--config",
                config.toString(), "--pgdata", pgdata.toString()));
        command.addAll(List.of(more));
        return Proc.run(RunAs.postgres(command), bed.dir(), null, Duration.ofSeconds(120));
    }

    private static Map<String, String> statuses(Proc.Result check) {
        Map<String, String> status = new java.util.LinkedHashMap<>();
        Matcher line = LINE.matcher(check.stdout());
        while (line.find()) {
            status.put(line.group(1), line.group(2));
        }
        return status;
    }

    private static String detail(Proc.Result check, String name) {
        Matcher line = LINE.matcher(check.stdout());
        while (line.find()) {
            if (line.group(1).equals(name)) {
                return line.group(3) == null ? "" : line.group(3);
            }
        }
        return "";
    }
}
