package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Two receivers sharing one bucket on S3Proxy, and an agent whose {@code receiver} lists first a port where nothing
 * listens, then both: a PostgreSQL 15 cluster archiving through {@code walship push} goes on while the first ones
 * are down (receiver A is stopped halfway), without a failed archive_command; {@code walship fetch} reads through
 * the last one; with all of them down, push fails with one line naming each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReceiverFailoverIT {

    private static final String SERVER = "pg";
    private static final String BUCKET = "walship-failover";
    private static final String PREFIX = "shared";
    private static final Duration ARCHIVE_TIMEOUT = Duration.ofSeconds(60);
    private static final int SEGMENTS_PER_PHASE = 2;
    private static final int EXIT_UNREACHABLE = 3;

    private final TestBed bed = new TestBed("walship-failover-it-");
    private S3Client s3;
    private ReceiverProcess receiverA;
    private ReceiverProcess receiverB;
    private String nowhere;
    private String addressA;
    private String addressB;
    private Path agentConfig;
    private Path origDir;
    private PostgresCluster cluster;
    private String firstSegment;

    @BeforeAll
    void twoReceiversOfOneBucketAndAClusterArchivingToThem() throws Exception {
        S3ProxyServer proxy = bed.closeLater(S3ProxyServer.start(bed.directory("s3proxy")));
        s3 = bed.closeLater(proxy.client());
        s3.createBucket(b -> b.bucket(BUCKET));
        CaDirectory certs = bed.ca("certs").issue("receiver", "127.0.0.1", "localhost").issue("pg-agent");
        Path credentials = proxy.account().writeCredentials(bed.resolve("aws-credentials"), "archive");
        Map<String, String> bucket = proxy.account().serverSection(BUCKET, PREFIX, credentials, "archive",
                bed.directory("spool"));
        bucket.put("compression", "none");
        receiverA = startReceiver("receiver-a", certs, bucket);
        receiverB = startReceiver("receiver-b", certs, bucket);
        nowhere = "127.0.0.1:" + portWhereNothingListens();
        addressA = "127.0.0.1:" + receiverA.port();
        addressB = "127.0.0.1:" + receiverB.port();

        PostgresAgentDir agent = bed.postgresAgent(certs, "pg-agent");
        agentConfig = agent.write("agent.conf", agent.config(SERVER, nowhere + ", " + addressA + ", " + addressB)
                .set("start_agent", "no").set("prefetch", "0"));
        origDir = bed.postgresDirectory("orig");
        cluster = bed.archivingCluster(ShellCommand.allOf(ShellCommand.push(bed.launcherForPostgres(), agentConfig),
                ShellCommand.keepCopyIn(origDir)));
    }

    private ReceiverProcess startReceiver(String name, CaDirectory certs, Map<String, String> bucket)
            throws IOException {
        Map<String, String> server = new TreeMap<>(bucket);
        server.put("temp_directory", bed.directory(name + "-spool").toString());
        return bed.startReceiver(name, ReceiverConfigFile.barmanHome(bed.directory(name + "-barman"))
                .tls(certs, "receiver").set("barman_version", "none").server(SERVER, "pg-agent", server));
    }

    /** A loopback port just released: a connection to it is refused. */
    private static int portWhereNothingListens() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @AfterAll
    void stopEverything() throws Exception {
        bed.close();
    }

    @Test
    @Order(1)
    void archivingGoesOnThroughTheNextReceiverWhileTheFirstOnesAreDownAndNoArchiveCommandFails() throws IOException {
        firstSegment = archiveSegments();
        receiverA.stop();
        archiveSegments();
        cluster.waitAllArchived(ARCHIVE_TIMEOUT);

        List<String> archived = archivedNames();
        Map<String, String> expected = new TreeMap<>();
        for (String name : archived) {
            String dir = name.endsWith(".history") ? "" : name.substring(0, 16) + "/";
            expected.put(PREFIX + "/" + SERVER + "/wals/" + dir + name, name);
        }
        assertEquals(List.copyOf(expected.keySet()), walKeys(), "expected one object per archived file");
        for (Map.Entry<String, String> entry : expected.entrySet()) {
            assertArrayEquals(Files.readAllBytes(origDir.resolve(entry.getValue())),
                    s3.getObjectAsBytes(g -> g.bucket(BUCKET).key(entry.getKey())).asByteArray(),
                    "expected " + entry.getKey() + " to hold the file PostgreSQL archived");
        }
        ArchiveStatus status = ArchiveStatus.of(cluster);
        assertEquals(0, status.failedCount(), "expected no archive_command to fail: " + status.summary());
        String log = cluster.serverLog();
        assertTrue(log.contains("WARNING receiver " + nowhere + " unreachable (") && log.contains("; trying " + addressA),
                "expected the failover from " + nowhere + " to " + addressA + " in the server log:\n" + cluster.logTail());
        assertTrue(log.contains("WARNING receiver " + addressA + " unreachable (") && log.contains("; trying " + addressB),
                "expected the failover from the stopped " + addressA + " to " + addressB + " in the server log:\n"
                        + cluster.logTail());
    }

    @Test
    @Order(2)
    void checkReportsEachReceiverOnItsOwnLineAndStatusShowsThemAll() throws IOException {
        Proc.Result check = asPostgres("check", "--config", agentConfig.toString(), "--pgdata",
                cluster.dataDir().toString());
        Proc.Result status = asPostgres("status", "--config", agentConfig.toString(), "--pgdata",
                cluster.dataDir().toString());

        assertEquals(0, check.exitCode(), "expected unreachable receivers to be warnings while one serves: "
                + check.describe());
        List<String> lines = check.stdout().lines().map(String::strip).toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("receiver " + nowhere + ": WARNING (cannot connect")),
                check.stdout());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("receiver " + addressA + ": WARNING (cannot connect")),
                check.stdout());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("receiver " + addressB + ": OK (reachable")),
                check.stdout());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("bucket: OK")), "expected the checks of " + addressB
                + ", the receiver that answered: " + check.stdout());
        assertEquals(0, status.exitCode(), status.describe());
        assertTrue(status.stdout().contains("receiver: " + nowhere + ", " + addressA + ", " + addressB),
                status.stdout());
    }

    @Test
    @Order(3)
    void fetchReadsThroughTheReceiverThatIsUp() throws IOException {
        Path target = bed.directory("restored").resolve("RECOVERYXLOG");

        Proc.Result fetched = bed.launcher().run("fetch", "--config", agentConfig.toString(), firstSegment,
                target.toString());

        assertEquals(0, fetched.exitCode(), fetched.describe() + receiverB.logTail());
        assertArrayEquals(Files.readAllBytes(origDir.resolve(firstSegment)), Files.readAllBytes(target),
                "expected " + firstSegment + ", stored through " + addressA + ", fetched through " + addressB);
    }

    @Test
    @Order(4)
    void withEveryReceiverDownPushFailsWithOneLineNamingEach() throws IOException {
        receiverB.stop();

        Proc.Result pushed = bed.launcher().run("push", "--config", agentConfig.toString(),
                origDir.resolve(firstSegment).toString(), firstSegment);

        assertEquals(EXIT_UNREACHABLE, pushed.exitCode(), pushed.describe());
        List<String> failures = pushed.stderr().lines().filter(l -> l.startsWith("walship push: ")).toList();
        assertEquals(1, failures.size(), pushed.describe());
        for (String address : List.of(nowhere, addressA, addressB)) {
            assertTrue(failures.getFirst().contains(address + " ("), "expected " + address + " named: "
                    + failures.getFirst());
        }
    }

    /** Switches {@value #SEGMENTS_PER_PHASE} segments and waits until PostgreSQL archived them; the first of them. */
    private String archiveSegments() throws IOException {
        String first = null;
        for (int i = 0; i < SEGMENTS_PER_PHASE; i++) {
            String segment = cluster.switchWal();
            first = first == null ? segment : first;
            cluster.waitArchived(segment, ARCHIVE_TIMEOUT);
        }
        return first;
    }

    private Proc.Result asPostgres(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(bed.launcherForPostgres().toString()));
        command.addAll(List.of(args));
        return Proc.run(RunAs.postgres(command), bed.dir(), null, ARCHIVE_TIMEOUT);
    }

    private List<String> archivedNames() throws IOException {
        try (Stream<Path> files = Files.list(origDir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private List<String> walKeys() {
        return s3.listObjectsV2Paginator(l -> l.bucket(BUCKET).prefix(PREFIX + "/" + SERVER + "/wals/")).contents()
                .stream().map(S3Object::key).sorted().toList();
    }
}
