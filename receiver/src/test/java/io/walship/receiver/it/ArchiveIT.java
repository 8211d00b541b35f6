package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.walship.testing.AgentConfigFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * End to end with real processes: a PostgreSQL 15 cluster whose archive_command is {@code walship push}, a
 * {@code walship receiver} storing into a Barman layout, and certificates made by {@code walship ca}.
 * The archive_command also copies each file aside (keeping its mtime), which is what the store is checked against.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ArchiveIT {

    private static final String SERVER = "pg";
    private static final String OTHER_SERVER = "other";
    private static final Duration ARCHIVE_TIMEOUT = Duration.ofSeconds(90);
    private static final int TIMELINE_1_SEGMENTS = 11;
    private static final int TIMELINE_2_SEGMENTS = 2;

    private static final int EXIT_TLS = 4;
    private static final int EXIT_REJECTED = 5;
    private static final int EXIT_CONFLICT = 6;

    private final TestBed bed = new TestBed("walship-it-");
    private CaDirectory certs;
    private CaDirectory rogueCa;
    private Path origDir;
    private Path pgAgentConfig;
    private ExpectedBarmanLayout store;
    private ReceiverProcess receiver;
    private PostgresCluster cluster;
    private final List<String> switchedSegments = new ArrayList<>();
    /** A copy of the segment PostgreSQL is still writing: valid for server pg, yet not archived. */
    private Path unarchived;

    @BeforeAll
    void archiveWalOfARealCluster() throws IOException {
        issueCertificates();
        startReceiver();
        startArchivingCluster();
        produceWalOnTwoTimelines();
    }

    @AfterAll
    void stopEverything() throws Exception {
        bed.close();
    }

    @Test
    @Order(1)
    void privateKeysAreReadableByTheirOwnerOnly() throws IOException {
        for (Path key : List.of(certs.caKey(), certs.key("receiver"), certs.key("pg-agent"))) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)),
                    "expected mode 0600 on " + key);
        }
    }

    @Test
    @Order(2)
    void everyArchivedFileIsStoredCompressedAndDecompressesToTheOriginalBytes() throws IOException {
        for (String name : archivedNames()) {
            Path stored = store.walPath(SERVER, name);
            assertTrue(Files.isRegularFile(stored), "expected " + name + " stored at " + stored + ", found nothing");
            byte[] storedBytes = Files.readAllBytes(stored);
            assertEquals(StoredCodec.ZSTD, StoredCodec.sniff(storedBytes),
                    "expected " + stored + " to be zstd-compressed (magic 28 b5 2f fd)");
            byte[] original = Files.readAllBytes(origDir.resolve(name));
            byte[] restored = StoredCodec.decompress(storedBytes);
            assertTrue(Arrays.equals(original, restored), () -> "expected " + stored + " to decompress to the "
                    + original.length + " bytes PostgreSQL archived, found " + restored.length
                    + " bytes differing from index " + Arrays.mismatch(original, restored));
        }
    }

    @Test
    @Order(3)
    void xlogDbHasExactlyOneCorrectLinePerArchivedFile() throws IOException {
        List<XlogDbEntry> entries = store.xlogDbEntries(SERVER);
        List<String> names = entries.stream().map(XlogDbEntry::name).toList();
        Set<String> duplicates = names.stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
                .entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), duplicates, "expected no duplicate lines in " + store.xlogDb(SERVER));
        assertEquals(new TreeSet<>(archivedNames()), new TreeSet<>(names),
                "expected " + store.xlogDb(SERVER) + " to list exactly the files PostgreSQL archived");
        for (XlogDbEntry entry : entries) {
            Path stored = store.walPath(SERVER, entry.name());
            assertEquals(Files.size(stored), entry.size(), "expected the size column of " + entry
                    + " to be the stored (compressed) size of " + stored);
            assertEquals("zstd", entry.compression(), "expected the compression column of " + entry);
            assertEquals(StoredCodec.sniff(Files.readAllBytes(stored)).xlogDbName, entry.compression(),
                    "expected the compression column of " + entry + " to name the format of " + stored);
            assertEquals(PythonRepr.mtimeRepr(origDir.resolve(entry.name())), entry.time(),
                    "expected the time column of " + entry + " to be the Python float repr of the source mtime");
        }
    }

    @Test
    @Order(4)
    void identityPinsTheFirstClustersSystemIdentifier() throws IOException {
        Path identity = store.serverDir(SERVER).resolve("identity.json");
        assertTrue(Files.isRegularFile(identity), "expected " + identity + " to exist after the first push");
        String json = Files.readString(identity);
        assertEquals(cluster.systemIdentifier(), jsonString(json, "systemid"),
                "expected the cluster's system identifier in " + identity + ": " + json);
        assertEquals("15", jsonString(json, "version"), "expected PostgreSQL major version 15 in " + identity
                + ": " + json);
    }

    @Test
    @Order(5)
    void pushingAnArchivedSegmentAgainSucceedsWithoutChangingTheStore() throws IOException {
        String name = switchedSegments.get(3);
        Map<String, String> before = store.snapshot();
        Proc.Result result = push(pgAgentConfig, origDir.resolve(name), name);
        assertEquals(0, result.exitCode(), "expected a re-push of archived " + name + " to succeed: "
                + withReceiverLog(result));
        assertEquals("", ExpectedBarmanLayout.diff(before, store.snapshot()),
                "expected a re-push of " + name + " to leave the store as it was");
    }

    @Test
    @Order(6)
    void aDifferentFileUnderAnArchivedNameIsAConflict() throws IOException {
        String name = switchedSegments.get(4);
        // Same header (so not rejected as another cluster's or a misnamed segment), different content.
        byte[] altered = Files.readAllBytes(origDir.resolve(name));
        altered[altered.length - 1] ^= (byte) 0xff;
        Path different = bed.directory("conflict").resolve(name);
        Files.write(different, altered);
        byte[] storedBefore = Files.readAllBytes(store.walPath(SERVER, name));
        byte[] xlogDbBefore = Files.readAllBytes(store.xlogDb(SERVER));
        Map<String, String> before = store.snapshot();

        assertRefused(push(pgAgentConfig, different, name), EXIT_CONFLICT, "a different file under archived " + name);

        assertTrue(Arrays.equals(storedBefore, Files.readAllBytes(store.walPath(SERVER, name))),
                "expected the stored " + name + " to be unchanged after a conflicting push");
        assertTrue(Arrays.equals(xlogDbBefore, Files.readAllBytes(store.xlogDb(SERVER))),
                "expected xlog.db to be unchanged after a conflicting push");
        assertEquals("", ExpectedBarmanLayout.diff(before, store.snapshot()),
                "expected a conflicting push to leave the store as it was");
    }

    @Test
    @Order(7)
    void aClientMayOnlyPushToTheServersThatListIt() throws IOException {
        Path otherAsPg = agentConfig("other-as-pg.conf", SERVER, certs, "other-agent");
        Path pgAsOther = agentConfig("pg-as-other.conf", OTHER_SERVER, certs, "pg-agent");
        String name = unarchived.getFileName().toString();
        Map<String, String> before = store.snapshot();

        Proc.Result otherAgent = push(otherAsPg, unarchived, name);
        assertRefused(otherAgent, EXIT_REJECTED, "other-agent pushing to server " + SERVER);
        assertMentionsUnauthorized(otherAgent);

        Proc.Result pgAgent = push(pgAsOther, unarchived, name);
        assertRefused(pgAgent, EXIT_REJECTED, "pg-agent pushing to server " + OTHER_SERVER);
        assertMentionsUnauthorized(pgAgent);

        assertEquals("", ExpectedBarmanLayout.diff(before, store.snapshot()),
                "expected unauthorized pushes to store nothing");
    }

    @Test
    @Order(8)
    void aCertificateFromAnotherCaIsRefused() throws IOException {
        Path rogueConfig = agentConfig("rogue.conf", SERVER, rogueCa, "rogue");
        String name = unarchived.getFileName().toString();
        Map<String, String> before = store.snapshot();

        assertRefused(push(rogueConfig, unarchived, name), EXIT_TLS, "a client certificate from another CA");

        assertEquals("", ExpectedBarmanLayout.diff(before, store.snapshot()),
                "expected a client with a foreign certificate to store nothing");
    }

    @Test
    @Order(9)
    void aSegmentOfAnotherClusterIsRejectedForItsSystemIdentifier() throws IOException {
        PostgresCluster stranger = bed.cluster();
        stranger.initdb();
        String strangerId = stranger.systemIdentifier();
        assertNotEquals(cluster.systemIdentifier(), strangerId, "expected two initdb runs to differ in identifier");
        String name = "000000010000000000000001";
        Path segment = stranger.dataDir().resolve("pg_wal").resolve(name);
        Map<String, String> before = store.snapshot();

        Proc.Result result = push(pgAgentConfig, segment, name);

        // The first cluster may well have archived this very name: the identifier check must win over a conflict.
        assertRefused(result, EXIT_REJECTED, "a segment of another cluster (system identifier " + strangerId + ")");
        assertTrue(Pattern.compile("(?i)system.?id").matcher(result.stderr()).find()
                        || result.stderr().contains(strangerId),
                "expected the refusal to mention the system identifier: " + withReceiverLog(result));
        assertEquals("", ExpectedBarmanLayout.diff(before, store.snapshot()),
                "expected a segment of another cluster to store nothing");
    }

    private void issueCertificates() throws IOException {
        certs = bed.ca("certs").issue("receiver", "127.0.0.1", "localhost").issue("pg-agent").issue("other-agent");
        rogueCa = bed.ca("rogue-ca").issue("rogue");
        for (Path file : List.of(certs.caCertificate(), certs.certificate("receiver"), certs.key("pg-agent"),
                rogueCa.certificate("rogue"))) {
            assertTrue(Files.isRegularFile(file), "expected walship ca to have written " + file);
        }
    }

    private void startReceiver() throws IOException {
        Path barmanHome = bed.directory("barman");
        store = new ExpectedBarmanLayout(barmanHome);
        receiver = bed.startReceiver(ReceiverConfigFile.barmanHome(barmanHome).tls(certs, "receiver")
                .set("compression", "zstd").set("barman_version", "none").server(SERVER, "pg-agent").server(OTHER_SERVER, "other-agent"));
    }

    private void startArchivingCluster() throws IOException {
        PostgresAgentDir agent = bed.postgresAgent(certs, "pg-agent");
        // Each push sends its own file: what is stored is what push itself sent.
        pgAgentConfig = agent.write("agent.conf", agent.config(SERVER, receiver.port()).set("start_agent", "no"));
        origDir = bed.postgresDirectory("orig");
        cluster = bed.archivingCluster(ShellCommand.allOf(ShellCommand.push(bed.launcherForPostgres(), pgAgentConfig),
                ShellCommand.keepCopyIn(origDir)));
    }

    private void produceWalOnTwoTimelines() throws IOException {
        for (int i = 0; i < TIMELINE_1_SEGMENTS; i++) {
            switchedSegments.add(cluster.switchWal());
        }
        // One session: the backup stops where it started, leaving a .backup history file to archive.
        cluster.psql("select pg_backup_start('it', true);\nselect lsn from pg_backup_stop();", ARCHIVE_TIMEOUT);
        cluster.promoteToNewTimeline();
        for (int i = 0; i < TIMELINE_2_SEGMENTS; i++) {
            switchedSegments.add(cluster.switchWal());
        }
        for (String name : switchedSegments) {
            cluster.waitArchived(name, ARCHIVE_TIMEOUT);
        }
        cluster.waitArchived("00000002.history", ARCHIVE_TIMEOUT);
        cluster.waitAllArchived(ARCHIVE_TIMEOUT);

        List<String> archived = archivedNames();
        assertTrue(archived.containsAll(switchedSegments),
                "expected every switched segment " + switchedSegments + " among the archived files " + archived);
        assertTrue(archived.contains("00000002.history"), "expected 00000002.history among " + archived);
        assertTrue(archived.stream().anyMatch(n -> n.endsWith(".backup")), "expected a .backup file among " + archived);
        assertTrue(switchedSegments.getLast().startsWith("00000002"),
                "expected the last segments on timeline 2, found " + switchedSegments);

        String current = cluster.psql("select pg_walfile_name(pg_current_wal_lsn());");
        unarchived = bed.directory("unarchived").resolve(current);
        Files.copy(cluster.dataDir().resolve("pg_wal").resolve(current), unarchived);
    }

    private List<String> archivedNames() throws IOException {
        try (Stream<Path> files = Files.list(origDir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** An agent config run by the test itself (so no ownership games), with absolute paths. */
    private Path agentConfig(String fileName, String server, CaDirectory issuer, String certName) throws IOException {
        return AgentConfigFile.forServer(server, receiver.port())
                .tls(certs.caCertificate(), issuer.certificate(certName), issuer.key(certName))
                .writeTo(bed.directory("agents").resolve(fileName));
    }

    private Proc.Result push(Path config, Path file, String name) throws IOException {
        return bed.launcher().run("push", "--config", config.toString(), file.toAbsolutePath().toString(), name);
    }

    private void assertRefused(Proc.Result result, int expectedExit, String what) {
        assertEquals(expectedExit, result.exitCode(),
                "expected exit code " + expectedExit + " for " + what + ": " + withReceiverLog(result));
        assertTrue(result.stderr().lines().anyMatch(l -> l.startsWith("walship push: ")),
                "expected a stderr line starting with 'walship push: ' for " + what + ": " + result.describe());
    }

    private void assertMentionsUnauthorized(Proc.Result result) {
        assertTrue(Pattern.compile("(?i)not authori[sz]ed|unauthori[sz]ed").matcher(result.stderr()).find(),
                "expected stderr to say the client is not authorized: " + result.describe());
    }

    private String withReceiverLog(Proc.Result result) {
        return result.describe() + receiver.logTail();
    }

    private static String jsonString(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : fail("expected a string field \"" + key + "\" in " + json);
    }
}
