package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.receiver.it.FaultyS3Link.Fault;
import io.walship.testing.AgentConfigFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Faults between a real receiver and its bucket (S3Proxy behind a {@link FaultyS3Link}): refused connections, a
 * put cut halfway through its body, {@code 503 SlowDown}, a store that stalls, and a receiver killed while its put
 * stalls. Whatever happens, {@code walship push} of a real PostgreSQL 15 segment fails on one line, the bucket
 * holds nothing under its key, another server of the same receiver (its bucket reached directly) archives on, and
 * once the fault is gone the same push stores the exact bytes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class S3FaultIT {

    private static final String SERVER = "pg";
    /** A server of the same bucket that the link does not stand in front of. */
    private static final String OTHER = "pg-direct";
    private static final String BUCKET = "walship-faults";
    private static final String PREFIX = "faults";
    /** The receiver answers within its 90 s for the bucket; the rest is the push's JVM and the spool. */
    private static final Duration PUSH_TIMEOUT = Duration.ofSeconds(150);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int EXIT_RECEIVER_ERROR = 7;
    private static final int SEGMENTS = Fault.values().length + 1;

    private final TestBed bed = new TestBed("walship-s3-fault-it-");
    private S3ProxyServer proxy;
    private S3Client s3;
    private FaultyS3Link link;
    private FixedPortReceiver receiver;
    private Path spool;
    private Path pushConfig;
    private Path otherConfig;
    private final List<Path> segments = new ArrayList<>();
    private final List<String> measured = new ArrayList<>();

    @BeforeAll
    void startStoreLinkAndReceiver() throws Exception {
        proxy = bed.closeLater(S3ProxyServer.start(bed.directory("s3proxy")));
        s3 = bed.closeLater(proxy.client());
        s3.createBucket(b -> b.bucket(BUCKET));
        link = bed.closeLater(FaultyS3Link.to(proxy.endpoint()));
        segments.addAll(realSegments());

        CaDirectory certs = bed.ca("certs").issue("receiver", "127.0.0.1").issue("pg-agent");
        Path credentials = proxy.account().writeCredentials(bed.resolve("aws-credentials"), "archive");
        spool = bed.directory("receiver-spool");
        Map<String, String> bucket = proxy.account().via(link.endpoint()).serverSection(BUCKET, PREFIX,
                credentials, "archive", spool);
        Map<String, String> direct = new LinkedHashMap<>(bucket);
        direct.put("endpoint", proxy.endpoint().toString());
        receiver = FixedPortReceiver.configure(bed, ReceiverConfigFile.barmanHome(bed.directory("barman"))
                .tls(certs, "receiver").set("barman_version", "none").server(SERVER, "pg-agent", bucket)
                .server(OTHER, "pg-agent", direct));
        receiver.start();
        pushConfig = agentConfig(certs, SERVER);
        otherConfig = agentConfig(certs, OTHER);
    }

    @AfterAll
    void stopEverything() throws Exception {
        measured.forEach(line -> System.out.println("[s3-fault] " + line));
        bed.close();
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    @Order(1)
    void aFaultOnTheWayToTheBucketFailsThePushOnOneLineStoresNothingAndTheRetryStoresTheBytes(Fault fault)
            throws IOException {
        Path segment = segments.get(fault.ordinal() - 1);
        String name = segment.getFileName().toString();
        long putsBefore = link.putsOf(BUCKET, key(SERVER, name));
        link.fail(fault);
        long started = System.nanoTime();
        Proc.Result failed;
        try (Background push = Background.start(push(pushConfig, segment), bed.dir())) {
            // While the push waits for the bucket, the receiver serves another server's push.
            assertStored(OTHER, segment, run(push(otherConfig, segment)));
            failed = push.await(PUSH_TIMEOUT);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        long attempts = link.putsOf(BUCKET, key(SERVER, name)) - putsBefore;

        assertEquals(EXIT_RECEIVER_ERROR, failed.exitCode(), fault + ": " + failed.describe() + receiver.logTail());
        List<String> lines = failed.stderr().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), fault + ": expected one line on stderr: " + failed.describe());
        String line = lines.getFirst();
        // The receiver's own answer, within the time the push waits for one.
        assertTrue(line.startsWith("walship push: ") && line.contains("cannot store " + name + " in s3://" + BUCKET),
                fault + ": expected the receiver's reason on one line: " + line);
        assertNothingStored(name, fault.toString());
        measured.add(fault + ": push failed after " + millis + " ms, " + attempts + " PUT attempts reached the"
                + " link: " + line);

        assertStored(SERVER, segment, run(push(pushConfig, segment)));
        assertEquals(List.of(), spooled(), "expected no upload left in temp_directory");
    }

    @Test
    @Order(2)
    void aReceiverKilledWhileItsPutStallsLeavesNoObjectAndNoMultipartUploadAndItsTempIsSweptAtStart()
            throws IOException {
        Path segment = segments.getLast();
        String name = segment.getFileName().toString();
        link.fail(Fault.STALL);
        Proc.Result broken;
        try (Background push = Background.start(push(pushConfig, segment), bed.dir())) {
            assertTrue(PostgresCluster.poll(TIMEOUT, () -> link.putsOf(BUCKET, key(SERVER, name)) > 0),
                    "expected the put of " + name + " to reach the link" + receiver.logTail());
            receiver.kill();
            broken = push.await(PUSH_TIMEOUT);
        }
        assertNotEquals(0, broken.exitCode(), broken.describe());
        assertEquals(1, broken.stderr().lines().filter(l -> !l.isBlank()).count(), broken.describe());
        assertEquals(List.of(), exactly(key(SERVER, name)), "expected nothing stored of " + name);
        List<Path> abandoned = spooled();
        assertEquals(1, abandoned.size(), "expected the killed upload's temp file: " + abandoned);
        // The sweep takes temp files nothing changed for ten minutes: this one is made that old.
        Files.setLastModifiedTime(abandoned.getFirst(), FileTime.from(Instant.now().minus(Duration.ofMinutes(11))));
        assertNothingStored(name, "killed");

        receiver.start();
        assertEquals(List.of(), spooled(), "expected the start to sweep the killed upload's temp file");
        assertTrue(receiver.logs().contains("removed 1 unfinished uploads"), receiver.logTail());
        assertStored(SERVER, segment, run(push(pushConfig, segment)));

        assertEquals(List.of(), link.requests().stream().filter(r -> r.contains("uploads") || r.contains("uploadId"))
                .toList(), "expected no multipart call ever");
        assertEquals(List.of(), s3.listMultipartUploads(l -> l.bucket(BUCKET)).uploads(),
                "expected no multipart upload in the bucket");
    }

    /**
     * Nothing under {@code name}'s key while the fault holds, and nothing whose key starts with it once the link let
     * go of the request: S3Proxy's filesystem store lists a put under way as {@code <key>-<uuid>}, its temp file,
     * until the put ends, which real stores never show.
     */
    private void assertNothingStored(String name, String fault) throws IOException {
        assertEquals(List.of(), exactly(key(SERVER, name)), fault + ": expected nothing stored of " + name);
        link.fail(Fault.NONE);
        PostgresCluster.poll(TIMEOUT, () -> objectsNamed(SERVER, name).isEmpty());
        assertEquals(List.of(), objectsNamed(SERVER, name), fault + ": expected nothing of " + name + " once the"
                + " link let go of the request");
        assertEquals(List.of(), blobFilesNamed(name, SERVER), fault + ": expected no file of " + name
                + " in S3Proxy's store");
    }

    private List<Path> realSegments() throws IOException {
        Path copies = bed.postgresDirectory("wal");
        PostgresCluster cluster = bed.archivingCluster(ShellCommand.keepCopyIn(copies));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < SEGMENTS; i++) {
            names.add(cluster.switchWal());
        }
        cluster.waitAllArchived(TIMEOUT);
        cluster.stop();
        return names.stream().map(copies::resolve).toList();
    }

    private Path agentConfig(CaDirectory certs, String server) throws IOException {
        return AgentConfigFile.forServer(server, receiver.port()).set("start_agent", "no")
                .set("spool_directory", bed.directory("agent-spool-" + server))
                .tls(certs.caCertificate(), certs.certificate("pg-agent"), certs.key("pg-agent"))
                .writeTo(bed.resolve(server + ".conf"));
    }

    private List<String> push(Path config, Path segment) {
        return List.of(bed.launcher().executable().toString(), "push", "--config", config.toString(),
                segment.toString(), segment.getFileName().toString());
    }

    private Proc.Result run(List<String> command) throws IOException {
        return Proc.run(command, bed.dir(), null, PUSH_TIMEOUT);
    }

    private void assertStored(String server, Path segment, Proc.Result push) throws IOException {
        String name = segment.getFileName().toString();
        assertEquals(0, push.exitCode(), "expected " + name + " stored for " + server + ": " + push.describe()
                + receiver.logTail());
        assertEquals(List.of(key(server, name)), objectsNamed(server, name));
        byte[] stored = s3.getObjectAsBytes(g -> g.bucket(BUCKET).key(key(server, name))).asByteArray();
        try (InputStream plain = new GZIPInputStream(new ByteArrayInputStream(stored))) {
            assertArrayEquals(Files.readAllBytes(segment), plain.readAllBytes(), "expected " + key(server, name)
                    + " to hold the segment's bytes");
        }
    }

    private static String key(String server, String name) {
        return PREFIX + "/" + server + "/wals/" + name.substring(0, 16) + "/" + name + ".gz";
    }

    /** Every key of the bucket that starts with {@code name}'s, whatever follows. */
    private List<String> objectsNamed(String server, String name) {
        return objects(PREFIX + "/" + server + "/wals/" + name.substring(0, 16) + "/" + name);
    }

    private List<String> objects(String prefix) {
        return s3.listObjectsV2Paginator(l -> l.bucket(BUCKET).prefix(prefix)).contents().stream()
                .map(S3Object::key).toList();
    }

    private List<String> exactly(String key) {
        return objects(key).stream().filter(key::equals).toList();
    }

    /** Files of S3Proxy's blobstore under the server's directory whose name has {@code name} in it. */
    private List<Path> blobFilesNamed(String name, String server) throws IOException {
        Path dir = proxy.bucketDirectory(BUCKET).resolve(PREFIX).resolve(server);
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().contains(name))
                    .toList();
        }
    }

    private List<Path> spooled() throws IOException {
        try (Stream<Path> files = Files.list(spool)) {
            return files.toList();
        }
    }
}
