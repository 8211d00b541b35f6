package io.walship.receiver.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.walship.agent.Walship;
import io.walship.agent.ca.CertificateAuthority;
import io.walship.agent.ca.CredentialFiles;
import io.walship.protocol.TlsContexts;
import io.walship.receiver.compress.Compression;
import io.walship.receiver.config.ArchiveReader;
import io.walship.receiver.config.BarmanServer;
import io.walship.receiver.config.BarmanVersion;
import io.walship.receiver.config.ConfiguredServers;
import io.walship.receiver.config.ReceiverLimits;
import io.walship.receiver.config.ServerDirectories;
import io.walship.receiver.config.XlogDbGeneration;
import io.walship.receiver.metrics.ReceiverMetrics;
import io.walship.receiver.store.barman.BarmanStore;
import io.walship.testing.AgentConfigFile;
import io.walship.wal.WalFileName;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The real {@code walship push} and {@code walship fetch} commands against a receiver running in this JVM,
 * over real mutual TLS on the loopback interface, storing into a Barman layout in a temp directory.
 */
class ReceiverRoundTripTest {

    private static final int SEGMENT_SIZE = 1 << 20;
    private static final long SYSTEM_ID = 7301234567890123456L;
    private static final String SERVER = "pg";
    private static final String CLIENT = "pg-agent";
    private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD};
    private static final String HISTORY = "00000002.history";
    private static final byte[] HISTORY_CONTENT =
            "1\t0/3000000\tno recovery target specified\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    static Path credentials;
    private static Path caCertificate;
    private static CredentialFiles receiverCredentials;
    private static CredentialFiles agentCredentials;
    private static CredentialFiles strangerCredentials;

    @TempDir
    Path dir;
    private Path home;
    private Path pgWal;
    private Path restoreDir;
    private Path config;
    private ReceiverServer server;

    @BeforeAll
    static void issueCertificates() throws Exception {
        // fetch treats "unreachable" as "not in the archive" next to a standby.signal; these tests expect 151.
        assertFalse(Files.exists(Path.of("standby.signal")), "remove " + Path.of("standby.signal").toAbsolutePath()
                + ": the fetch exit codes these tests check assume the working directory is no standby");
        // Create the logging console handler now, so that it keeps the real stderr while commands run captured.
        Logger.getLogger("").getHandlers();
        Path caDir = credentials.resolve("ca");
        CertificateAuthority ca = new CertificateAuthority();
        ca.init(caDir);
        caCertificate = caDir.resolve(CertificateAuthority.CA_CERTIFICATE);
        receiverCredentials = ca.issue(caDir, "receiver", List.of("127.0.0.1"));
        agentCredentials = ca.issue(caDir, CLIENT, List.of());
        strangerCredentials = ca.issue(caDir, "stranger", List.of());
    }

    @BeforeEach
    void startReceiver() throws Exception {
        home = Files.createDirectories(dir.resolve("barman"));
        pgWal = Files.createDirectories(dir.resolve("pgdata").resolve("pg_wal"));
        restoreDir = Files.createDirectories(dir.resolve("restore"));
        startReceiverWith(TlsContexts.receiver(receiverCredentials.certificate(), receiverCredentials.privateKey(),
                caCertificate));
    }

    /** A receiver on a free loopback port storing zstd for SERVER, and the agent configuration to reach it. */
    private void startReceiverWith(SslContext tls) throws Exception {
        BarmanServer pg = new BarmanServer(SERVER, Set.of(CLIENT), Compression.ZSTD, "test",
                ServerDirectories.defaults(home, SERVER), XlogDbGeneration.SERVER_XLOG_DB_WHEN_PRESENT);
        server = ReceiverServer.start(InetSocketAddress.createUnresolved("127.0.0.1", 0), tls,
                new BarmanStore(List.of(pg), Duration.ofSeconds(10)), ConfiguredServers.of(List.of(pg)),
                dir.resolve("receiver.conf"), ReceiverLimits.DEFAULTS,
                new ReceiverMetrics(List.of(SERVER), List.of(), Clock.systemUTC()), 2,
                ArchiveReader.barman(new BarmanVersion(3, 14, 0)));
        config = agentConfig("walship.conf", server.port(), agentCredentials);
    }

    @AfterEach
    void stopReceiver() {
        if (server != null) {
            server.close();
        }
    }

    /** zstd: the stored frame crosses the wire as it is and the agent decodes it; none: the receiver decodes. */
    @ParameterizedTest
    @ValueSource(strings = {"zstd", "none"})
    void pushStoresTheSegmentAndFetchRestoresItByteForByte(String fetchCompression) throws Exception {
        config = agentConfig("walship.conf", server.port(), agentCredentials, fetchCompression);
        String name = "000000010000000000000003";
        byte[] content = segment(name, 1);
        Path wal = write(name, content);

        assertExit(0, "", walship("push", "--config", config.toString(), wal.toString(), name));

        Path stored = home.resolve(SERVER).resolve("wals").resolve("0000000100000000").resolve(name);
        assertTrue(Files.isRegularFile(stored), stored + " after push");
        assertArrayEquals(ZSTD_MAGIC, Arrays.copyOf(Files.readAllBytes(stored), 4), "stored zstd-compressed");
        assertTrue(Files.readAllLines(home.resolve(SERVER).resolve("wals").resolve("xlog.db")).stream()
                .anyMatch(line -> line.startsWith(name + "\t")), "indexed in xlog.db");

        Path destination = restoreDir.resolve("RECOVERYXLOG");
        assertExit(0, "", walship("fetch", "--config", config.toString(), name, destination.toString()));

        assertArrayEquals(content, Files.readAllBytes(destination));
        assertEquals(Set.of("RECOVERYXLOG"), entries(restoreDir), "no temp file left beside the destination");
    }

    /** BoringSSL where it loads, the JDK's TLS elsewhere: every pairing of the two must push and fetch. */
    @Test
    void everyPairingOfTlsProvidersPushesAndFetches() throws Exception {
        assertTrue(OpenSsl.isAvailable(), () -> "BoringSSL (netty-tcnative) should load on this platform: "
                + OpenSsl.unavailabilityCause());
        int segment = 0x10;
        for (SslProvider receiverSide : List.of(SslProvider.JDK, SslProvider.OPENSSL)) {
            server.close();
            SslContext tls = withProvider(receiverSide, () -> TlsContexts.receiver(receiverCredentials.certificate(),
                    receiverCredentials.privateKey(), caCertificate));
            assertEquals(receiverSide == SslProvider.JDK, tls instanceof JdkSslContext, tls.getClass().getName());
            startReceiverWith(tls);
            for (SslProvider agentSide : List.of(SslProvider.JDK, SslProvider.OPENSSL)) {
                String name = "0000000100000000000000" + Integer.toHexString(segment++).toUpperCase(Locale.ROOT);
                byte[] content = segment(name, segment);
                Path wal = write(name, content);
                Path destination = restoreDir.resolve(name);
                String pairing = "receiver " + receiverSide + ", agent " + agentSide;

                Run push = withProvider(agentSide, () -> walship("push", "--config", config.toString(),
                        wal.toString(), name));
                Run fetch = withProvider(agentSide, () -> walship("fetch", "--config", config.toString(), name,
                        destination.toString()));

                assertEquals(0, push.code(), pairing + ": " + push.err());
                assertEquals(0, fetch.code(), pairing + ": " + fetch.err());
                assertArrayEquals(content, Files.readAllBytes(destination), pairing);
            }
        }
    }

    private interface Action<T> {
        T run() throws Exception;
    }

    /** Runs {@code action} with walship's TLS provider forced to {@code provider}. */
    private static <T> T withProvider(SslProvider provider, Action<T> action) throws Exception {
        if (provider == SslProvider.JDK) {
            System.setProperty(TlsContexts.PROVIDER_PROPERTY, "jdk");
        }
        try {
            assertEquals(provider, TlsContexts.provider());
            return action.run();
        } finally {
            System.clearProperty(TlsContexts.PROVIDER_PROPERTY);
        }
    }

    @Test
    void pushingTheSameFileAgainSucceedsAndADifferentOneConflicts() throws Exception {
        String name = "000000010000000000000004";
        byte[] content = segment(name, 1);
        Path wal = write(name, content);
        assertExit(0, "", walship("push", "--config", config.toString(), wal.toString(), name));

        assertExit(0, "", walship("push", "--config", config.toString(), wal.toString(), name));

        Path other = Files.write(dir.resolve("other-" + name), segment(name, 2));
        Run conflict = walship("push", "--config", config.toString(), other.toString(), name);
        assertExit(6, "walship push: ", conflict);

        Path destination = restoreDir.resolve(name);
        assertExit(0, "", walship("fetch", "--config", config.toString(), name, destination.toString()));
        assertArrayEquals(content, Files.readAllBytes(destination), "the first copy stays archived");
    }

    /** PostgreSQL names WAL in upper case only: a lower-case NAME would store a second copy of the same WAL. */
    @Test
    void lowerCaseNamesAreRefusedOnPushAndFetchAndNothingIsStored() throws Exception {
        String name = "00000001000000000000000A";
        Path wal = write(name, segment(name, 1));
        String lower = name.toLowerCase(Locale.ROOT);

        Run push = walship("push", "--config", config.toString(), wal.toString(), lower);
        assertExit(5, "walship push: '" + lower + "' has lower-case hex digits", push);
        assertFalse(Files.exists(home.resolve(SERVER)), "nothing reached the receiver's store");

        assertExit(0, "", walship("push", "--config", config.toString(), wal.toString(), name));
        Path destination = restoreDir.resolve("RECOVERYXLOG");
        Run fetch = walship("fetch", "--config", config.toString(), lower, destination.toString());
        assertExit(151, "walship fetch: '" + lower + "' has lower-case hex digits", fetch);
        assertFalse(Files.exists(destination));
    }

    @Test
    void fetchOfANameNotArchivedIsNotInArchive() throws Exception {
        Path destination = restoreDir.resolve("RECOVERYXLOG");

        Run run = walship("fetch", "--config", config.toString(), "000000010000000000000009", destination.toString());

        assertEquals(1, run.code(), run.err());
        assertFalse(Files.exists(destination));
        assertEquals(Set.of(), entries(restoreDir));
    }

    @Test
    void aCertificateNotAmongTheServersClientsCannotFetchOrPush() throws Exception {
        String name = "000000010000000000000005";
        Path wal = write(name, segment(name, 1));
        assertExit(0, "", walship("push", "--config", config.toString(), wal.toString(), name));
        Path strangerConfig = agentConfig("stranger.conf", server.port(), strangerCredentials);
        Path destination = restoreDir.resolve("RECOVERYXLOG");

        Run fetch = walship("fetch", "--config", strangerConfig.toString(), name, destination.toString());

        assertExit(151, "walship fetch: ", fetch);
        assertTrue(fetch.err().contains("not authorized"), fetch.err());
        assertFalse(Files.exists(destination));
        assertEquals(Set.of(), entries(restoreDir));

        String next = "000000010000000000000006";
        Run push = walship("push", "--config", strangerConfig.toString(), write(next, segment(next, 2)).toString(),
                next);
        assertExit(5, "walship push: ", push);
        assertTrue(push.err().contains("not authorized"), push.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"zstd", "none"})
    void aDamagedStoredCopyIsReportedAndNothingIsWritten(String fetchCompression) throws Exception {
        config = agentConfig("walship.conf", server.port(), agentCredentials, fetchCompression);
        String name = "000000010000000000000007";
        Path wal = write(name, segment(name, 3));
        assertExit(0, "", walship("push", "--config", config.toString(), wal.toString(), name));
        Path stored = home.resolve(SERVER).resolve("wals").resolve("0000000100000000").resolve(name);
        byte[] bytes = Files.readAllBytes(stored);
        assertArrayEquals(ZSTD_MAGIC, Arrays.copyOf(bytes, 4));
        for (int i = bytes.length / 2; i < bytes.length / 2 + 16; i++) {
            bytes[i] ^= (byte) 0xFF;
        }
        Files.write(stored, bytes);
        Path destination = restoreDir.resolve("RECOVERYXLOG");

        Run fetch = walship("fetch", "--config", config.toString(), name, destination.toString());

        assertExit(150, "walship fetch: ", fetch);
        assertTrue(fetch.err().contains("damaged"), fetch.err());
        assertFalse(Files.exists(destination));
        assertEquals(Set.of(), entries(restoreDir), "the partial download is removed");
    }

    @Test
    void aHistoryFileRoundTrips() throws Exception {
        Path history = write(HISTORY, HISTORY_CONTENT);
        assertExit(0, "", walship("push", "--config", config.toString(), history.toString(), HISTORY));
        assertTrue(Files.isRegularFile(home.resolve(SERVER).resolve("wals").resolve(HISTORY)),
                "history files live directly in wals/");
        Path destination = restoreDir.resolve("RECOVERYHISTORY");

        assertExit(0, "", walship("fetch", "--config", config.toString(), HISTORY, destination.toString()));

        assertArrayEquals(HISTORY_CONTENT, Files.readAllBytes(destination));
        assertEquals(Set.of("RECOVERYHISTORY"), entries(restoreDir));
    }

    /** Damage to a compressed file's first bytes used to make it read as plain: it was served as junk text. */
    @Test
    void aHistoryFileWhoseCodecMagicIsDamagedIsReportedDamagedNotServedAsPlainText() throws Exception {
        Path history = write(HISTORY, HISTORY_CONTENT);
        assertExit(0, "", walship("push", "--config", config.toString(), history.toString(), HISTORY));
        Path stored = home.resolve(SERVER).resolve("wals").resolve(HISTORY);
        byte[] bytes = Files.readAllBytes(stored);
        bytes[0] ^= 0x01;
        Files.write(stored, bytes);
        Path destination = restoreDir.resolve("RECOVERYHISTORY");

        Run fetch = walship("fetch", "--config", config.toString(), HISTORY, destination.toString());

        assertExit(150, "walship fetch: ", fetch);
        assertTrue(fetch.err().contains("was stored zstd but now reads as none"), fetch.err());
        assertEquals(Set.of(), entries(restoreDir));
    }

    @Test
    void pushToAPortWithoutReceiverIsUnreachable() throws Exception {
        String name = "000000010000000000000008";
        Path wal = write(name, segment(name, 1));
        try (Socket placeholder = closedPort()) {
            Path wrongPort = agentConfig("wrong-port.conf", placeholder.getLocalPort(), agentCredentials);

            Run push = walship("push", "--config", wrongPort.toString(), wal.toString(), name);

            assertExit(3, "walship push: cannot connect to receiver 127.0.0.1:" + placeholder.getLocalPort(), push);
        }
        assertFalse(Files.exists(home.resolve(SERVER).resolve("wals").resolve("0000000100000000").resolve(name)));
    }

    @Test
    void fetchFromAPortWithoutReceiverIsUnavailable() throws Exception {
        String name = "000000010000000000000003";
        assertExit(0, "", walship("push", "--config", config.toString(), write(name, segment(name, 1)).toString(),
                name));
        Path destination = restoreDir.resolve("RECOVERYXLOG");
        try (Socket placeholder = closedPort()) {
            Path wrongPort = agentConfig("wrong-port.conf", placeholder.getLocalPort(), agentCredentials);

            Run fetch = walship("fetch", "--config", wrongPort.toString(), name, destination.toString());

            assertExit(151, "walship fetch: cannot connect to receiver 127.0.0.1:" + placeholder.getLocalPort(),
                    fetch);
        }
        assertFalse(Files.exists(destination));
        assertEquals(Set.of(), entries(restoreDir));
    }

    /** The outcome of one command: exit code and what it printed on stderr. */
    private record Run(int code, String err) {
    }

    private static Run walship(String... args) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = new CommandLine(new Walship()).execute(args);
        } finally {
            System.setErr(original);
        }
        return new Run(code, captured.toString(StandardCharsets.UTF_8));
    }

    /** Exit code, and either silence (empty prefix) or exactly one line on stderr starting with the prefix. */
    private static void assertExit(int code, String prefix, Run run) {
        assertEquals(code, run.code(), run.err());
        if (prefix.isEmpty()) {
            assertEquals("", run.err());
        } else {
            assertTrue(run.err().startsWith(prefix), run.err());
            assertTrue(run.err().endsWith("\n") && run.err().indexOf('\n') == run.err().length() - 1,
                    "one line: " + run.err());
        }
    }

    /** A loopback port that is taken but not listening: connecting to it is refused, and no one can take it. */
    private static Socket closedPort() throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        return socket;
    }

    private Path agentConfig(String fileName, int port, CredentialFiles client) throws IOException {
        return agentConfig(fileName, port, client, "zstd");
    }

    private Path agentConfig(String fileName, int port, CredentialFiles client, String fetchCompression)
            throws IOException {
        return AgentConfigFile.forServer(SERVER, port).tls(caCertificate, client.certificate(), client.privateKey())
                .set("prefetch", 0).set("spool_directory", dir.resolve("spool"))
                .set("fetch_compression", fetchCompression).writeTo(dir.resolve(fileName));
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(pgWal.resolve(name), content);
    }

    /**
     * A 1 MiB segment PostgreSQL 15 could have written: XLogLongPageHeaderData (little-endian) matching the
     * name, then filler.
     */
    private static byte[] segment(String name, long seed) {
        WalFileName wal = WalFileName.parse(name);
        byte[] bytes = new byte[SEGMENT_SIZE];
        new Random(seed).nextBytes(bytes);
        ByteBuffer header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        header.putShort(0, (short) 0xD110);                                 // xlp_magic: PostgreSQL 15
        header.putShort(2, (short) 0x0002);                                 // xlp_info: XLP_LONG_HEADER
        header.putInt(4, (int) wal.timeline());                             // xlp_tli
        header.putLong(8, (wal.log() << 32) | (wal.segment() * SEGMENT_SIZE)); // xlp_pageaddr
        header.putInt(16, 0);                                               // xlp_rem_len
        header.putInt(20, 0);                                               // padding
        header.putLong(24, SYSTEM_ID);                                      // xlp_sysid
        header.putInt(32, SEGMENT_SIZE);                                    // xlp_seg_size
        header.putInt(36, 8192);                                            // xlp_xlog_blcksz
        return bytes;
    }

    private static Set<String> entries(Path directory) throws IOException {
        try (Stream<Path> list = Files.list(directory)) {
            return new TreeSet<>(list.map(p -> p.getFileName().toString()).toList());
        }
    }
}
