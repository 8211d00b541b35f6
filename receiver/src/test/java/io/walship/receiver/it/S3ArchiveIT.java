package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.testing.AgentConfigFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
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
 * End to end into a bucket: a PostgreSQL 15 cluster whose archive_command is {@code walship push}, a
 * {@code walship receiver} with a server of {@code storage = s3} against S3Proxy on loopback, and what is stored
 * read back by {@code walship fetch} and by Debian's {@code barman-cloud-wal-restore}. The archive_command also
 * copies each file aside, which is what the bucket is checked against.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class S3ArchiveIT {

    private static final String SERVER = "pg";
    /** The same cluster's files pushed again to a server of the same bucket that stores them snappy-compressed. */
    private static final String SNAPPY_SERVER = "pg-snappy";
    private static final String BUCKET = "walship-it";
    private static final String PREFIX = "archive/prod";
    private static final Duration ARCHIVE_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration RESTORE_TIMEOUT = Duration.ofSeconds(60);
    private static final int SEGMENTS = 4;
    private static final int EXIT_CONFLICT = 6;
    private static final int EXIT_CORRUPT = 150;

    private final TestBed bed = new TestBed("walship-s3-it-");
    private S3ProxyServer proxy;
    private S3Client s3;
    private Path origDir;
    private Path pgAgentConfig;
    private PostgresAgentDir agent;
    private ReceiverProcess receiver;
    private final List<String> switchedSegments = new ArrayList<>();
    private PostgresCluster cluster;
    private CaDirectory certs;

    @BeforeAll
    void archiveWalOfARealClusterIntoABucket() throws Exception {
        proxy = S3ProxyServer.start(bed.directory("s3proxy"));
        bed.closeLater(proxy);
        s3 = bed.closeLater(proxy.client());
        s3.createBucket(b -> b.bucket(BUCKET));
        certs = bed.ca("certs").issue("receiver", "127.0.0.1", "localhost").issue("pg-agent");
        Map<String, String> bucket = proxy.serverSection(BUCKET, PREFIX, bed.resolve("aws-credentials"));
        bucket.put("compression", "gzip");
        bucket.put("temp_directory", bed.directory("spool").toString());
        Map<String, String> snappy = new LinkedHashMap<>(bucket);
        snappy.put("compression", "snappy");
        receiver = bed.startReceiver(ReceiverConfigFile.barmanHome(bed.directory("barman")).tls(certs, "receiver")
                .set("barman_version", "none").server(SERVER, "pg-agent", bucket)
                .server(SNAPPY_SERVER, "pg-agent", snappy));

        agent = bed.postgresAgent(certs, "pg-agent");
        pgAgentConfig = agent.write("agent.conf", agent.config(SERVER, receiver.port()).set("start_agent", "no"));
        origDir = bed.postgresDirectory("orig");
        cluster = bed.archivingCluster(ShellCommand.allOf(
                ShellCommand.push(bed.launcherForPostgres(), pgAgentConfig), ShellCommand.keepCopyIn(origDir)));
        for (int i = 0; i < SEGMENTS; i++) {
            switchedSegments.add(cluster.switchWal());
        }
        cluster.psql("select pg_backup_start('it', true);\nselect lsn from pg_backup_stop();", ARCHIVE_TIMEOUT);
        cluster.promoteToNewTimeline();
        switchedSegments.add(cluster.switchWal());
        for (String name : switchedSegments) {
            cluster.waitArchived(name, ARCHIVE_TIMEOUT);
        }
        cluster.waitArchived("00000002.history", ARCHIVE_TIMEOUT);
        cluster.waitAllArchived(ARCHIVE_TIMEOUT);
        assertTrue(archivedNames().stream().anyMatch(n -> n.endsWith(".backup")),
                "expected a .backup file among " + archivedNames());
    }

    @AfterAll
    void stopEverything() throws Exception {
        bed.close();
    }

    @Test
    @Order(1)
    void everyArchivedFileIsInTheBucketUnderBarmanCloudsKeyAndDecompressesToTheOriginal() throws IOException {
        Map<String, String> expected = new TreeMap<>();
        for (String name : archivedNames()) {
            // barman-cloud-wal-archive --gzip: <prefix>/<server>/wals/<hash>/<name>.gz, history files in wals/.
            String dir = name.endsWith(".history") ? "" : name.substring(0, 16) + "/";
            expected.put(PREFIX + "/" + SERVER + "/wals/" + dir + name + ".gz", name);
        }
        assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(walKeys()),
                "expected exactly one object per archived file under " + PREFIX + "/" + SERVER + "/wals/");
        for (Map.Entry<String, String> entry : expected.entrySet()) {
            byte[] original = Files.readAllBytes(origDir.resolve(entry.getValue()));
            assertArrayEquals(original, gunzip(object(entry.getKey())),
                    "expected " + entry.getKey() + " to decompress to the file PostgreSQL archived");
        }
        try (Stream<Path> spooled = Files.list(bed.resolve("spool"))) {
            assertEquals(List.of(), spooled.toList(), "expected no upload left in the receiver's temp_directory");
        }
    }

    @Test
    @Order(2)
    void pushingAnArchivedSegmentAgainSucceedsWithoutChangingTheBucket() throws IOException {
        String name = switchedSegments.get(1);
        Map<String, String> before = bucketState();

        Proc.Result result = push(origDir.resolve(name), name);

        assertEquals(0, result.exitCode(), "expected a re-push of archived " + name + " to succeed: "
                + withReceiverLog(result));
        assertEquals(before, bucketState(), "expected a re-push of " + name + " to leave the bucket as it was");
    }

    @Test
    @Order(3)
    void aDifferentFileUnderAnArchivedNameIsAConflictAndTheObjectStays() throws IOException {
        String name = switchedSegments.get(2);
        byte[] altered = Files.readAllBytes(origDir.resolve(name));
        altered[altered.length - 1] ^= (byte) 0xff;
        Path different = bed.directory("conflict").resolve(name);
        Files.write(different, altered);
        Map<String, String> before = bucketState();

        Proc.Result result = push(different, name);

        assertEquals(EXIT_CONFLICT, result.exitCode(), "expected a conflict for a different " + name + ": "
                + withReceiverLog(result));
        List<String> lines = result.stderr().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "expected one line on stderr: " + result.describe());
        assertTrue(lines.getFirst().startsWith("walship push: ") && lines.getFirst().contains("different content"),
                "expected the reason on one 'walship push: ' line: " + result.describe());
        assertEquals(before, bucketState(), "expected a conflicting push to leave the bucket as it was");
    }

    @Test
    @Order(4)
    void walshipFetchReturnsTheArchivedBytes() throws IOException {
        Path config = fetchConfig("fetch.conf");
        for (String name : List.of(switchedSegments.get(0), "00000002.history")) {
            Path dataDir = fetchDataDir("fetch-" + name);
            Proc.Result result = fetch(config, dataDir, name);
            assertEquals(0, result.exitCode(), "expected fetching " + name + " to succeed: " + withReceiverLog(result));
            assertArrayEquals(Files.readAllBytes(origDir.resolve(name)),
                    Files.readAllBytes(dataDir.resolve("pg_wal/RECOVERYXLOG")),
                    "expected walship fetch to restore the archived " + name);
        }
    }

    @Test
    @Order(5)
    void barmanCloudWalRestoreRestoresWhatWalshipStored() throws IOException {
        Path restored = bed.directory("barman-cloud-restore");
        for (String name : List.of(switchedSegments.get(0), switchedSegments.getLast(), "00000002.history")) {
            assertArrayEquals(Files.readAllBytes(origDir.resolve(name)), barmanCloudWalRestore(SERVER, name, restored),
                    "expected barman-cloud-wal-restore to restore the archived " + name);
        }
    }

    /** Debian's barman-cloud-wal-restore of {@code name} into {@code dir}, with the bucket's credentials only. */
    private byte[] barmanCloudWalRestore(String server, String name, Path dir) throws IOException {
        Path target = dir.resolve(name);
        Proc.Result result = Proc.run(List.of("env", "AWS_ACCESS_KEY_ID=" + S3ProxyServer.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY=" + S3ProxyServer.SECRET_KEY, "AWS_DEFAULT_REGION=" + S3ProxyServer.REGION,
                "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "barman-cloud-wal-restore",
                "--endpoint-url", proxy.endpoint().toString(), "s3://" + BUCKET + "/" + PREFIX, server, name,
                target.toString()), dir, null, RESTORE_TIMEOUT);
        assertEquals(0, result.exitCode(), "expected barman-cloud-wal-restore of " + name + " from " + server
                + " to succeed: " + result.describe());
        return Files.readAllBytes(target);
    }

    /**
     * Debian 12's python3-snappy 0.5.3 cannot stream (its C CRC-32C fails under Python 3.11: "PY_SSIZE_T_CLEAN macro
     * must be defined"), so barman-cloud there can neither archive nor restore snappy. What walship stores is read
     * here by barman-cloud's own decoding ({@code decompress_to_file(..., "snappy")}, python-snappy's framing format
     * reader) with only that CRC-32C function replaced by a pure-Python one.
     */
    @Test
    @Order(6)
    void barmanCloudsSnappyDecodingReadsWhatWalshipStoredSnappyCompressed() throws IOException {
        Path config = AgentConfigFile.forServer(SNAPPY_SERVER, receiver.port()).set("start_agent", "no")
                .tls(certs.caCertificate(), certs.certificate("pg-agent"), certs.key("pg-agent"))
                .writeTo(bed.directory("agents").resolve("snappy.conf"));
        Path dir = bed.directory("snappy");
        Path decoder = Files.writeString(dir.resolve("decode.py"), SNAPPY_DECODER);
        for (String name : List.of("00000002.history", switchedSegments.get(0))) {
            Proc.Result pushed = bed.launcher().run("push", "--config", config.toString(),
                    origDir.resolve(name).toString(), name);
            assertEquals(0, pushed.exitCode(), "expected a push of " + name + " to " + SNAPPY_SERVER + ": "
                    + withReceiverLog(pushed));
            String key = PREFIX + "/" + SNAPPY_SERVER + "/wals/" + (name.endsWith(".history") ? ""
                    : name.substring(0, 16) + "/") + name + ".snappy";
            Path stored = Files.write(dir.resolve(name + ".snappy"), object(key));
            Path plain = dir.resolve(name);
            Proc.Result decoded = Proc.run(List.of("/usr/bin/python3", decoder.toString(), stored.toString(),
                    plain.toString()), dir, null, RESTORE_TIMEOUT);
            assertEquals(0, decoded.exitCode(), "expected barman-cloud to decode " + key + ": " + decoded.describe());
            assertArrayEquals(Files.readAllBytes(origDir.resolve(name)), Files.readAllBytes(plain),
                    "expected barman-cloud's snappy decoding of " + key + " to give the archived " + name);
        }
    }

    @Test
    @Order(7)
    void walshipCheckSeesTheBucketAndASwitchedSegmentStoredInIt() throws IOException {
        Proc.Result check = Proc.run(RunAs.postgres(List.of(bed.launcherForPostgres().toString(), "check",
                "--config", pgAgentConfig.toString(), "--pgdata", cluster.dataDir().toString(), "--switch-wal",
                "--timeout", "60")), bed.dir(), null, RESTORE_TIMEOUT);

        assertEquals(0, check.exitCode(), check.describe() + receiver.logTail());
        assertTrue(check.stdout().lines().anyMatch(l -> l.trim().startsWith("bucket: OK")), check.stdout());
        Matcher stored = Pattern.compile("WAL switch: OK \\(([0-9A-F]{24}) stored by the receiver").matcher(
                check.stdout());
        assertTrue(stored.find(), check.stdout());
        String segment = stored.group(1);
        assertTrue(walKeys().contains(PREFIX + "/" + SERVER + "/wals/" + segment.substring(0, 16) + "/" + segment
                + ".gz"), segment + " in the bucket after\n" + check.stdout());
    }

    @Test
    @Order(8)
    void anObjectDamagedAtRestMakesFetchFailWithTheCorruptionCode() throws IOException {
        String name = switchedSegments.get(3);
        String key = PREFIX + "/" + SERVER + "/wals/" + name.substring(0, 16) + "/" + name + ".gz";
        Path object = proxy.bucketDirectory(BUCKET).resolve(key);
        byte[] damaged = Files.readAllBytes(object);
        for (int i = damaged.length / 2; i < damaged.length / 2 + 16; i++) {
            damaged[i] ^= (byte) 0x5a;
        }
        Files.write(object, damaged);
        Path dataDir = fetchDataDir("fetch-damaged");
        Files.writeString(dataDir.resolve("recovery.signal"), "");

        Proc.Result result = fetch(fetchConfig("fetch-damaged.conf"), dataDir, name);

        assertEquals(EXIT_CORRUPT, result.exitCode(), "expected fetching the damaged " + name + " to fail with "
                + EXIT_CORRUPT + ": " + withReceiverLog(result));
        assertFalse(Files.exists(dataDir.resolve("pg_wal/RECOVERYXLOG")), "expected nothing restored of " + name);
    }

    /** barman-cloud's snappy decoding, python-snappy's CRC-32C (Castagnoli, masked by python-snappy) in Python. */
    private static final String SNAPPY_DECODER = """
            import sys
            import snappy.snappy
            from barman.clients.cloud_compression import decompress_to_file

            TABLE = []
            for n in range(256):
                c = n
                for _ in range(8):
                    c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
                TABLE.append(c)

            def crc32c(data):
                crc = 0xFFFFFFFF
                for b in data:
                    crc = TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
                return crc ^ 0xFFFFFFFF

            snappy.snappy._crc32c = crc32c
            with open(sys.argv[1], "rb") as blob, open(sys.argv[2], "wb") as dest:
                decompress_to_file(blob, dest, "snappy")
            """;

    private List<String> archivedNames() throws IOException {
        try (Stream<Path> files = Files.list(origDir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private List<String> walKeys() {
        return s3.listObjectsV2Paginator(l -> l.bucket(BUCKET).prefix(PREFIX + "/" + SERVER + "/wals/")).contents()
                .stream().map(S3Object::key).toList();
    }

    /** Every object of the bucket with its ETag and size: what a push must not change. */
    private Map<String, String> bucketState() {
        Map<String, String> state = new TreeMap<>();
        s3.listObjectsV2Paginator(l -> l.bucket(BUCKET)).contents()
                .forEach(o -> state.put(o.key(), o.eTag() + " " + o.size()));
        return state;
    }

    private byte[] object(String key) {
        return s3.getObjectAsBytes(g -> g.bucket(BUCKET).key(key)).asByteArray();
    }

    private static byte[] gunzip(byte[] gzip) throws IOException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gzip))) {
            return in.readAllBytes();
        }
    }

    private Proc.Result push(Path file, String name) throws IOException {
        return bed.launcher().run("push", "--config", pgAgentConfig.toString(), file.toAbsolutePath().toString(),
                name);
    }

    private Path fetchConfig(String fileName) throws IOException {
        Path spool = bed.directory("spool-" + fileName);
        Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("rwx------"));
        RunAs.giveToPostgres(spool);
        return agent.write(fileName, agent.config(SERVER, receiver.port()).set("start_agent", "no")
                .set("prefetch", "0").set("spool_directory", spool));
    }

    private Path fetchDataDir(String name) throws IOException {
        Path dataDir = bed.directory(name + "/pg_wal").getParent();
        RunAs.giveToPostgres(dataDir);
        return dataDir;
    }

    private Proc.Result fetch(Path config, Path dataDir, String name) throws IOException {
        return Proc.run(RunAs.postgres(List.of(bed.launcherForPostgres().toString(), "fetch", "--config",
                config.toString(), name, "pg_wal/RECOVERYXLOG")), dataDir, null, RESTORE_TIMEOUT);
    }

    private String withReceiverLog(Proc.Result result) {
        return result.describe() + receiver.logTail();
    }
}
