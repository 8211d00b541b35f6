package io.walship.receiver.net;

import static io.walship.receiver.net.HandMadeFrames.DATA;
import static io.walship.receiver.net.HandMadeFrames.HELLO;
import static io.walship.receiver.net.HandMadeFrames.MAGIC;
import static io.walship.receiver.net.HandMadeFrames.PUT;
import static io.walship.receiver.net.HandMadeFrames.crc32c;
import static io.walship.receiver.net.HandMadeFrames.data;
import static io.walship.receiver.net.HandMadeFrames.end;
import static io.walship.receiver.net.HandMadeFrames.frame;
import static io.walship.receiver.net.HandMadeFrames.get;
import static io.walship.receiver.net.HandMadeFrames.hello;
import static io.walship.receiver.net.HandMadeFrames.put;
import static io.walship.receiver.net.HandMadeFrames.raw;
import static io.walship.receiver.net.HandMadeFrames.reply;
import static io.walship.receiver.net.HandMadeFrames.utf8;
import static io.walship.receiver.net.HandMadeFrames.welcome;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslContext;
import io.walship.agent.ca.CertificateAuthority;
import io.walship.agent.ca.CredentialFiles;
import io.walship.protocol.Limits;
import io.walship.protocol.Reply;
import io.walship.protocol.ReplyCode;
import io.walship.protocol.TlsContexts;
import io.walship.receiver.compress.Compression;
import io.walship.receiver.config.ArchiveReader;
import io.walship.receiver.config.BarmanServer;
import io.walship.receiver.config.ConfiguredServers;
import io.walship.receiver.config.ReceiverLimits;
import io.walship.receiver.config.ServerDirectories;
import io.walship.receiver.config.XlogDbGeneration;
import io.walship.receiver.metrics.ReceiverMetrics;
import io.walship.receiver.store.barman.BarmanStore;
import io.walship.wal.TimelineHistory;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A hostile client against a real receiver in this JVM, over real mutual TLS: hand-made frames that break the wire
 * protocol one rule at a time. Each case checks the one reply the receiver sends (or that it closes without one
 * where nothing can be answered); that a broken protocol closes the connection, while a refused upload leaves it
 * open, its remaining frames skipped, for the next upload; that nothing is stored and no temp file is left; the
 * lines the receiver logs; and that a new connection is served as if nothing had happened.
 */
class HostileFramesTest {

    private static final String SERVER = "pg";
    private static final String CLIENT = "pg-agent";
    private static final String HISTORY = "00000002.history";
    /** Uploaded by the well-behaved client after each case. */
    private static final String AFTERWARDS = "00000003.history";
    private static final String SEGMENT = "000000010000000000000001";
    private static final byte[] CONTENT = "1\t0/3000000\tno recovery target specified\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final long MTIME = 1_700_000_000_000_000_000L;
    private static final long SYSTEM_ID = 7301234567890123456L;
    private static final String RECEIVER_LOGGERS = "io.walship.receiver";
    private static final long PATIENCE_SECONDS = 30;
    private static final String NOT_HELLO = "the first message must be HELLO; is the agent a walship agent?";

    @TempDir
    static Path credentials;
    private static Path caCertificate;
    private static CredentialFiles receiverCredentials;
    private static SslContext agentTls;
    private static SslContext strangerTls;

    @TempDir
    Path dir;
    private Path wals;
    private BarmanStore store;
    private ReceiverServer server;
    private CapturedLog log;

    @BeforeAll
    static void issueCertificates() throws Exception {
        Path caDir = credentials.resolve("ca");
        CertificateAuthority ca = new CertificateAuthority();
        ca.init(caDir);
        caCertificate = caDir.resolve(CertificateAuthority.CA_CERTIFICATE);
        receiverCredentials = ca.issue(caDir, "receiver", List.of("127.0.0.1"));
        agentTls = agentContext(ca.issue(caDir, CLIENT, List.of()));
        strangerTls = agentContext(ca.issue(caDir, "stranger", List.of()));
    }

    private static SslContext agentContext(CredentialFiles files) throws IOException {
        return TlsContexts.agent(files.certificate(), files.privateKey(), caCertificate);
    }

    @BeforeEach
    void startReceiver() throws Exception {
        Path home = Files.createDirectories(dir.resolve("barman"));
        BarmanServer pg = new BarmanServer(SERVER, Set.of(CLIENT), Compression.NONE, "test",
                ServerDirectories.defaults(home, SERVER), XlogDbGeneration.WALS_XLOG_DB);
        wals = pg.directories().walsDirectory();
        store = new BarmanStore(List.of(pg), Duration.ofSeconds(10));
        server = ReceiverServer.start(InetSocketAddress.createUnresolved("127.0.0.1", 0),
                TlsContexts.receiver(receiverCredentials.certificate(), receiverCredentials.privateKey(),
                        caCertificate), store, ConfiguredServers.of(List.of(pg)), configFile(),
                ReceiverLimits.DEFAULTS, new ReceiverMetrics(List.of(SERVER), List.of(), Clock.systemUTC()), 2,
                ArchiveReader.unknown());
        log = CapturedLog.attach();
    }

    @AfterEach
    void stopReceiver() {
        log.close();
        if (server != null) {
            server.close();
        }
        store.close();
    }

    // ---- The first frame

    @Test
    void aPutBeforeHelloIsRefusedAndLoggedWithTheCertificate() throws Exception {
        try (RawConnection client = connect()) {
            client.send(put(SERVER, HISTORY, CONTENT.length, MTIME));

            assertAnsweredThenClosed(client, ReplyCode.REJECTED, NOT_HELLO);
            assertReceiverLogged(refusedHandshake(client, NOT_HELLO));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    @Test
    void aDataBeforeHelloIsRefusedAndLoggedWithTheCertificate() throws Exception {
        try (RawConnection client = connect()) {
            client.send(data(CONTENT));

            assertAnsweredThenClosed(client, ReplyCode.REJECTED, NOT_HELLO);
            assertReceiverLogged(refusedHandshake(client, NOT_HELLO));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    /** A client that skips the handshake and sends a whole upload in one go gets one answer, not one per frame. */
    @Test
    void aWholeUploadBeforeHelloGetsOneRefusal() throws Exception {
        try (RawConnection client = connect()) {
            client.send(put(SERVER, HISTORY, CONTENT.length, MTIME), data(CONTENT), end(crc32c(CONTENT)));

            assertAnsweredThenClosed(client, ReplyCode.REJECTED, NOT_HELLO);
            assertReceiverLogged(refusedHandshake(client, NOT_HELLO));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    @Test
    void aReplyBeforeHelloIsRefused() throws Exception {
        try (RawConnection client = connect()) {
            client.send(reply(ReplyCode.STORED.wire, "stored"));

            assertAnsweredThenClosed(client, ReplyCode.REJECTED, NOT_HELLO);
            assertReceiverLogged(refusedHandshake(client, NOT_HELLO));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    @Test
    void helloWithTheWrongMagicIsRefusedAndLogged() throws Exception {
        String why = "HELLO carries the wrong magic; this port serves walship agents only";
        try (RawConnection client = connect()) {
            client.send(hello(0x47455420, 1));

            assertAnsweredThenClosed(client, ReplyCode.REJECTED, why);
            assertReceiverLogged(refusedHandshake(client, why));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    @Test
    void aRefusedHelloFollowedByAnUndecodableFrameGetsOneAnswer() throws Exception {
        String why = "HELLO carries the wrong magic; this port serves walship agents only";
        try (RawConnection client = connect()) {
            client.send(hello(0x47455420, 1), raw(1, (byte) 0xFF));

            assertAnsweredThenClosed(client, ReplyCode.REJECTED, why);
            assertReceiverLogged(refusedHandshake(client, why));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {0, 2, 0xFFFF})
    void helloWithAnUnsupportedVersionIsRefusedAndLoggedWithPeerAndCertificate(int version) throws Exception {
        String why = "the agent speaks protocol version " + version + ", this receiver speaks version 1; install "
                + "matching walship versions";
        try (RawConnection client = connect()) {
            client.send(hello(MAGIC, version));

            assertAnsweredThenClosed(client, ReplyCode.REJECTED, why);
            assertReceiverLogged("WARNING refused " + client.address() + " (certificate '" + CLIENT + "'): " + why);
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    @Test
    void aHelloCutShortIsAProtocolError() throws Exception {
        try (RawConnection client = connect()) {
            client.send(frame(HELLO, Unpooled.buffer().writeInt(MAGIC).writeShort(1)));

            assertProtocolError(client, "truncated frame: needed 8 more bytes, got 0");
            assertReceiverLogged(rejectedOutsideRequest(client, "truncated frame: needed 8 more bytes, got 0"));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    @Test
    void aHelloWithBytesAfterItsFieldsIsAProtocolError() throws Exception {
        try (RawConnection client = connect()) {
            client.send(frame(HELLO, Unpooled.buffer().writeInt(MAGIC).writeShort(1).writeLong(0).writeByte(0)));

            assertProtocolError(client, "1 unexpected trailing bytes in frame type 1");
            assertReceiverLogged(rejectedOutsideRequest(client, "1 unexpected trailing bytes in frame type 1"));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    @Test
    void aSecondHelloIsAProtocolError() throws Exception {
        try (RawConnection client = greeted()) {
            client.send(hello(MAGIC, 1));

            assertProtocolError(client, "unexpected Hello message");
            assertReceiverLogged(rejectedOutsideRequest(client, "unexpected Hello message"));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    // ---- Framing

    @Test
    void anUnknownFrameTypeIsAProtocolError() throws Exception {
        try (RawConnection client = greeted()) {
            client.send(raw(1, (byte) 0xFF));

            assertProtocolError(client, "unknown frame type 255");
            assertReceiverLogged(rejectedOutsideRequest(client, "unknown frame type 255"));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    /** Refused on its length prefix alone: the receiver neither waits for nor buffers the megabytes announced. */
    @Test
    void aLengthPrefixAboveTheFrameLimitIsRefusedAtOnce() throws Exception {
        String why = tooLong(Limits.MAX_FRAME + 1);
        try (RawConnection client = greeted()) {
            client.send(raw(Limits.MAX_FRAME + 1, (byte) DATA));

            assertProtocolError(client, why);
            assertReceiverLogged(rejectedOutsideRequest(client, why));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    /** The length prefix is unsigned: a negative one reads as more than 2 GiB. */
    @ParameterizedTest(name = "length {0}")
    @ValueSource(ints = {-1, Integer.MIN_VALUE})
    void aNegativeLengthPrefixIsRefusedAsFarTooLong(int length) throws Exception {
        String why = tooLong(Integer.toUnsignedLong(length));
        try (RawConnection client = greeted()) {
            client.send(raw(length, (byte) PUT));

            assertProtocolError(client, why);
            assertReceiverLogged(rejectedOutsideRequest(client, why));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    @Test
    void aZeroLengthFrameIsAProtocolError() throws Exception {
        try (RawConnection client = greeted()) {
            client.send(raw(0));

            assertProtocolError(client, "empty frame");
            assertReceiverLogged(rejectedOutsideRequest(client, "empty frame"));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    /** Nothing can be answered to a client that is gone; its upload's temp file must go with it. */
    @Test
    void aFrameCutShortByTheClientClosingDropsTheUploadUnderWay() throws Exception {
        try (RawConnection client = greeted()) {
            client.send(put(SERVER, HISTORY, CONTENT.length, MTIME), data(Arrays.copyOf(CONTENT, 10)));
            awaitTempFile();

            client.send(raw(1 + 100, (byte) DATA), Arrays.copyOfRange(CONTENT, 10, 20));
        }
        assertNothingStored();
        assertReceiverLogged();
        assertReceiverUnharmed();
    }

    @Test
    void aServerNameLongerThanTheLimitIsAProtocolError() throws Exception {
        String why = "string of " + (Limits.MAX_NAME + 1) + " bytes exceeds the limit of " + Limits.MAX_NAME;
        try (RawConnection client = greeted()) {
            client.send(put(utf8("p".repeat(Limits.MAX_NAME + 1)), utf8(HISTORY), CONTENT.length, MTIME));

            assertProtocolError(client, why);
            assertReceiverLogged(rejectedOutsideRequest(client, why));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    @Test
    void aFileNameLongerThanTheLimitIsAProtocolError() throws Exception {
        String why = "string of " + (Limits.MAX_NAME + 1) + " bytes exceeds the limit of " + Limits.MAX_NAME;
        try (RawConnection client = greeted()) {
            client.send(put(utf8(SERVER), utf8("0".repeat(Limits.MAX_NAME + 1)), CONTENT.length, MTIME));

            assertProtocolError(client, why);
            assertReceiverLogged(rejectedOutsideRequest(client, why));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    /** At the limit the name is decoded, and refused for what it is; the reply shows only its start. */
    @Test
    void aFileNameAtTheLimitIsRefusedAsNoWalName() throws Exception {
        String name = "0".repeat(Limits.MAX_NAME);
        String why = "'" + "0".repeat(80) + "...' is not a WAL file name (expected 24 upper-case hex digits, "
                + "optionally with .partial or .XXXXXXXX.backup, or 8 with .history)";
        try (RawConnection client = greeted()) {
            client.send(put(SERVER, name, CONTENT.length, MTIME));

            assertEquals(new Reply(ReplyCode.REJECTED, why), client.reply());
            assertReceiverLogged(rejectedRequest(name, why));
            assertSkipsTheRestAndStoresTheNextUpload(client);
        }
        assertReceiverUnharmed();
    }

    @Test
    void aNameThatIsNotUtf8IsAProtocolError() throws Exception {
        byte[] name = Arrays.copyOf(utf8(SEGMENT), SEGMENT.length() + 2);
        name[SEGMENT.length()] = (byte) 0xC3;
        name[SEGMENT.length() + 1] = (byte) 0x28;
        try (RawConnection client = greeted()) {
            client.send(put(utf8(SERVER), name, 1 << 20, MTIME));

            assertProtocolError(client, "string field is not valid UTF-8");
            assertReceiverLogged(rejectedOutsideRequest(client, "string field is not valid UTF-8"));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    @Test
    void aStringLongerThanItsFrameIsAProtocolError() throws Exception {
        try (RawConnection client = greeted()) {
            client.send(frame(PUT, Unpooled.buffer().writeShort(200).writeBytes(utf8(SERVER))));

            assertProtocolError(client, "truncated frame: needed 200 more bytes, got 2");
            assertReceiverLogged(rejectedOutsideRequest(client, "truncated frame: needed 200 more bytes, got 2"));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    /** The other side of the frame limit: a full chunk, the largest frame there is, is taken. */
    @Test
    void aDataFrameOfTheLargestChunkIsTaken() throws Exception {
        byte[] segment = segment(SEGMENT);
        assertEquals(Limits.MAX_CHUNK, segment.length);
        try (RawConnection client = greeted()) {
            client.send(put(SERVER, SEGMENT, segment.length, MTIME), data(segment), end(crc32c(segment)));

            assertEquals(new Reply(ReplyCode.STORED, SEGMENT + " stored"), client.reply());
        }
        assertArrayEquals(segment, Files.readAllBytes(wals.resolve("0000000100000000").resolve(SEGMENT)));
    }

    // ---- The order of an upload's frames

    @Test
    void dataWithoutPutIsAProtocolError() throws Exception {
        try (RawConnection client = greeted()) {
            client.send(data(CONTENT));

            assertProtocolError(client, "DATA without PUT");
            assertReceiverLogged(rejectedOutsideRequest(client, "DATA without PUT"));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    @Test
    void endWithoutPutIsAProtocolError() throws Exception {
        try (RawConnection client = greeted()) {
            client.send(end(crc32c(CONTENT)));

            assertProtocolError(client, "END without PUT");
            assertReceiverLogged(rejectedOutsideRequest(client, "END without PUT"));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    @Test
    void aSecondPutInTheMiddleOfAnUploadIsAProtocolErrorAndDropsTheUpload() throws Exception {
        try (RawConnection client = greeted()) {
            client.send(put(SERVER, HISTORY, CONTENT.length, MTIME), data(Arrays.copyOf(CONTENT, 10)));
            awaitTempFile();
            client.send(put(SERVER, AFTERWARDS, CONTENT.length, MTIME));

            assertProtocolError(client, "PUT while another upload is in progress");
            assertReceiverLogged(rejectedRequest(HISTORY, "protocol error: PUT while another upload is in progress"));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    @Test
    void aGetInTheMiddleOfAnUploadDropsIt() throws Exception {
        try (RawConnection client = greeted()) {
            client.send(put(SERVER, HISTORY, CONTENT.length, MTIME), data(Arrays.copyOf(CONTENT, 10)));
            awaitTempFile();
            client.send(get(SERVER, HISTORY));

            assertProtocolError(client, "GET while an upload is in progress");
            assertReceiverLogged(rejectedRequest(HISTORY, "protocol error: GET while an upload is in progress"));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    /**
     * The whole upload arrived before the PUT that breaks the protocol: the file is stored and answered, then the
     * PUT is answered as a protocol error and the connection closed.
     */
    @Test
    void aPutBeforeTheReplyToTheLastUploadIsAProtocolErrorAfterThatUploadIsStored() throws Exception {
        try (RawConnection client = greeted()) {
            client.send(put(SERVER, HISTORY, CONTENT.length, MTIME), data(CONTENT), end(crc32c(CONTENT)),
                    put(SERVER, AFTERWARDS, CONTENT.length, MTIME));

            assertEquals(new Reply(ReplyCode.STORED, HISTORY + " stored"), client.reply());
            assertProtocolError(client, "PUT before the reply to the previous upload");
            assertReceiverLogged("INFO STORED " + CLIENT + " -> " + SERVER + "/" + HISTORY + " (N ms): " + HISTORY
                    + " stored", rejectedOutsideRequest(client, "PUT before the reply to the previous upload"));
        }
        awaitNoTempFiles();
        assertEquals(List.of(HISTORY, "xlog.db"), walsFiles());
        assertReceiverUnharmed();
    }

    // ---- What a PUT asks for

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"../x", "/etc/passwd", "000000010000000000000001/../../x", "..", ".", ""})
    void aPathLikeNameIsRefusedAndItsFramesSkipped(String name) throws Exception {
        String why = "'" + name + "' is not a WAL file name (expected 24 upper-case hex digits, optionally with "
                + ".partial or .XXXXXXXX.backup, or 8 with .history)";
        try (RawConnection client = greeted()) {
            client.send(put(SERVER, name, CONTENT.length, MTIME));

            assertEquals(new Reply(ReplyCode.REJECTED, why), client.reply());
            assertReceiverLogged(rejectedRequest(name, why));
            assertSkipsTheRestAndStoresTheNextUpload(client);
        }
        assertNoFileOutsideTheArchive();
        assertReceiverUnharmed();
    }

    /** PostgreSQL writes upper-case hex only: the same WAL under a lower-case name would be archived twice. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"00000001000000000000000a", "0000000a.history"})
    void aLowerCaseHexNameIsRefused(String name) throws Exception {
        String why = "'" + name + "' has lower-case hex digits; PostgreSQL names WAL files in upper case only, so it "
                + "is not a WAL file name";
        try (RawConnection client = greeted()) {
            client.send(put(SERVER, name, 1 << 20, MTIME));

            assertEquals(new Reply(ReplyCode.REJECTED, why), client.reply());
            assertReceiverLogged(rejectedRequest(name, why));
            assertSkipsTheRestAndStoresTheNextUpload(client);
        }
        assertReceiverUnharmed();
    }

    /** A line break in a name must not let a client write a line of its own into the receiver's log. */
    @Test
    void aNameWithALineBreakCannotForgeALogLine() throws Exception {
        String name = SEGMENT + "\nSEVERE: forged\u2028";
        String why = "'" + SEGMENT + "?SEVERE: forged\u2028' is not a WAL file name (expected 24 upper-case hex "
                + "digits, optionally with .partial or .XXXXXXXX.backup, or 8 with .history)";
        try (RawConnection client = greeted()) {
            client.send(put(SERVER, name, 1 << 20, MTIME));

            assertEquals(new Reply(ReplyCode.REJECTED, why), client.reply());
            assertReceiverLogged(rejectedRequest(SEGMENT + "?SEVERE: forged?", why.replace('\u2028', '?')));
            assertSkipsTheRestAndStoresTheNextUpload(client);
        }
        assertReceiverUnharmed();
    }

    @Test
    void aServerNameWithALineBreakCannotForgeALogLine() throws Exception {
        String server = "pg\rSEVERE: forged";
        String why = "the receiver has no server '" + server + "'; check the agent's 'server' setting or add a ["
                + server + "] section to " + configFile();
        try (RawConnection client = greeted()) {
            client.send(put(server, HISTORY, CONTENT.length, MTIME));

            assertEquals(new Reply(ReplyCode.REJECTED, why), client.reply());
            assertReceiverLogged(rejectedRequest("pg?SEVERE: forged", HISTORY, why.replace('\r', '?')));
            assertSkipsTheRestAndStoresTheNextUpload(client);
        }
        assertReceiverUnharmed();
    }

    @Test
    void anEmptyServerNameIsRefused() throws Exception {
        String why = "the receiver has no server ''; check the agent's 'server' setting or add a [] section to "
                + configFile();
        try (RawConnection client = greeted()) {
            client.send(put("", HISTORY, CONTENT.length, MTIME));

            assertEquals(new Reply(ReplyCode.REJECTED, why), client.reply());
            assertReceiverLogged(rejectedRequest("", HISTORY, why));
            assertSkipsTheRestAndStoresTheNextUpload(client);
        }
        assertReceiverUnharmed();
    }

    @Test
    void aServerTheReceiverDoesNotHaveIsRefused() throws Exception {
        String why = "the receiver has no server 'pg2'; check the agent's 'server' setting or add a [pg2] section "
                + "to " + configFile();
        try (RawConnection client = greeted()) {
            client.send(put("pg2", HISTORY, CONTENT.length, MTIME));

            assertEquals(new Reply(ReplyCode.REJECTED, why), client.reply());
            assertReceiverLogged(rejectedRequest("pg2", HISTORY, why));
            assertSkipsTheRestAndStoresTheNextUpload(client);
        }
        assertReceiverUnharmed();
    }

    @Test
    void aServerTheCertificateIsNotAllowedForIsRefused() throws Exception {
        String why = "certificate 'stranger' is not authorized for server 'pg'; add it to clients in [pg] of "
                + configFile() + " or use this server's agent certificate";
        try (RawConnection client = RawConnection.open(strangerTls, server.port()).greet()) {
            client.send(put(SERVER, HISTORY, CONTENT.length, MTIME));

            assertEquals(new Reply(ReplyCode.REJECTED, why), client.reply());
            assertReceiverLogged("WARNING REJECTED stranger -> " + SERVER + "/" + HISTORY + " (N ms): " + why);
            client.send(data(CONTENT), end(crc32c(CONTENT)), put(SERVER, HISTORY, CONTENT.length, MTIME));
            assertEquals(new Reply(ReplyCode.REJECTED, why), client.reply(), "the next PUT is refused as well");
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    // ---- Sizes and content

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(longs = {0, (1 << 20) - 1, 3L << 30, Long.MAX_VALUE})
    void aSegmentSizeNoSegmentHasIsRefused(long size) throws Exception {
        String why = SEGMENT + " is " + size + " bytes; a WAL segment is a power of two between 1 MiB and 1 GiB, "
                + "so the file is truncated or not a segment";
        try (RawConnection client = greeted()) {
            client.send(put(SERVER, SEGMENT, size, MTIME));

            assertEquals(new Reply(ReplyCode.REJECTED, why), client.reply());
            assertReceiverLogged(rejectedRequest(SEGMENT, why));
            assertSkipsTheRestAndStoresTheNextUpload(client);
        }
        assertReceiverUnharmed();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(longs = {0, TimelineHistory.MAX_SIZE + 1, 16L << 20, Long.MAX_VALUE})
    void aHistoryFileSizeOutOfBoundsIsRefused(long size) throws Exception {
        String why = HISTORY + " is " + size + " bytes; a history file must be between 1 byte and "
                + TimelineHistory.MAX_SIZE + ", so it is not one";
        try (RawConnection client = greeted()) {
            client.send(put(SERVER, HISTORY, size, MTIME));

            assertEquals(new Reply(ReplyCode.REJECTED, why), client.reply());
            assertReceiverLogged(rejectedRequest(HISTORY, why));
            assertSkipsTheRestAndStoresTheNextUpload(client);
        }
        assertReceiverUnharmed();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(longs = {-1, Long.MIN_VALUE})
    void aNegativeSizeIsAProtocolError(long size) throws Exception {
        try (RawConnection client = greeted()) {
            client.send(put(SERVER, SEGMENT, size, MTIME));

            assertProtocolError(client, "negative size " + size);
            assertReceiverLogged(rejectedOutsideRequest(client, "negative size " + size));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    @Test
    void moreDataThanAnnouncedIsRefusedAndTheRestSkipped() throws Exception {
        String why = HISTORY + ": the agent sent more than the " + CONTENT.length + " bytes it announced";
        try (RawConnection client = greeted()) {
            client.send(put(SERVER, HISTORY, CONTENT.length, MTIME), data(CONTENT));
            awaitTempFile();
            client.send(data(new byte[] {'\n'}));

            assertEquals(new Reply(ReplyCode.REJECTED, why), client.reply());
            assertReceiverLogged(rejectedRequest(HISTORY, why));
            assertSkipsTheRestAndStoresTheNextUpload(client);
        }
        assertReceiverUnharmed();
    }

    @Test
    void fewerBytesThanAnnouncedThenEndIsRefused() throws Exception {
        byte[] part = Arrays.copyOf(CONTENT, CONTENT.length - 1);
        String why = HISTORY + ": received " + part.length + " of " + CONTENT.length + " bytes; the file changed or "
                + "the transfer broke, retry";
        try (RawConnection client = greeted()) {
            client.send(put(SERVER, HISTORY, CONTENT.length, MTIME), data(part), end(crc32c(part)));

            assertEquals(new Reply(ReplyCode.REJECTED, why), client.reply());
            assertNothingStored();
            assertReceiverLogged(rejectedRequest(HISTORY, why));
            assertStores(client, HISTORY);
        }
        assertReceiverUnharmed();
    }

    @Test
    void aWrongChecksumIsRefused() throws Exception {
        String why = HISTORY + ": checksum mismatch, the data was damaged in transit; retry";
        try (RawConnection client = greeted()) {
            client.send(put(SERVER, HISTORY, CONTENT.length, MTIME), data(CONTENT), end(crc32c(CONTENT) ^ 1));

            assertEquals(new Reply(ReplyCode.REJECTED, why), client.reply());
            assertNothingStored();
            assertReceiverLogged(rejectedRequest(HISTORY, why));
            assertStores(client, HISTORY);
        }
        assertReceiverUnharmed();
    }

    /**
     * Barman indexes from a second after 1970 to the end of 2199. A nanosecond count cannot reach the year 3000 (a
     * long ends in 2262), so the far future is the largest value there is, and the first instant of 2200.
     */
    @ParameterizedTest(name = "{0} ns")
    @ValueSource(longs = {1, 0, -1, -1_000_000_000_000_000_000L, Long.MIN_VALUE, 7_258_118_400_000_000_000L,
            Long.MAX_VALUE})
    void aModificationTimeNoWalFileHasIsRefused(long mtimeNanos) throws Exception {
        String why = HISTORY + " has the modification time " + mtimeNanos + " ns after 1970, which no WAL file is "
                + "written at (expected from 1970-01-01T00:00:01Z to before 2200-01-01T00:00:00Z); check the clock of "
                + "the PostgreSQL host";
        try (RawConnection client = greeted()) {
            client.send(put(SERVER, HISTORY, CONTENT.length, mtimeNanos));

            assertEquals(new Reply(ReplyCode.REJECTED, why), client.reply());
            assertReceiverLogged(rejectedRequest(HISTORY, why));
            assertSkipsTheRestAndStoresTheNextUpload(client);
        }
        assertReceiverUnharmed();
    }

    // ---- Frames only the receiver sends

    @Test
    void aReplyFromTheClientIsAProtocolError() throws Exception {
        try (RawConnection client = greeted()) {
            client.send(reply(ReplyCode.STORED.wire, HISTORY + " stored"));

            assertProtocolError(client, "unexpected Reply message");
            assertReceiverLogged(rejectedOutsideRequest(client, "unexpected Reply message"));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    @Test
    void aReplyWithAnUnknownCodeIsAProtocolError() throws Exception {
        try (RawConnection client = greeted()) {
            client.send(reply(99, "?"));

            assertProtocolError(client, "unknown reply code 99");
            assertReceiverLogged(rejectedOutsideRequest(client, "unknown reply code 99"));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    @Test
    void aWelcomeFromTheClientIsAProtocolError() throws Exception {
        try (RawConnection client = greeted()) {
            client.send(welcome(1));

            assertProtocolError(client, "unexpected Welcome message");
            assertReceiverLogged(rejectedOutsideRequest(client, "unexpected Welcome message"));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    @Test
    void aWelcomeInsteadOfHelloIsRefused() throws Exception {
        try (RawConnection client = connect()) {
            client.send(welcome(1));

            assertAnsweredThenClosed(client, ReplyCode.REJECTED, NOT_HELLO);
            assertReceiverLogged(refusedHandshake(client, NOT_HELLO));
        }
        assertNothingStored();
        assertReceiverUnharmed();
    }

    // ---- Plumbing

    /** Netty's words for a frame above the limit, both counted with the length prefix. */
    private static String tooLong(long length) {
        return "Adjusted frame length exceeds " + (Limits.LENGTH_PREFIX + Limits.MAX_FRAME) + ": "
                + (Limits.LENGTH_PREFIX + length) + " - discarded";
    }

    private RawConnection connect() {
        return RawConnection.open(agentTls, server.port());
    }

    private RawConnection greeted() {
        RawConnection client = connect();
        try {
            return client.greet();
        } catch (RuntimeException | Error e) {
            client.close();
            throw e;
        }
    }

    private Path configFile() {
        return dir.resolve("receiver.conf");
    }

    private static void assertAnsweredThenClosed(RawConnection client, ReplyCode code, String message) {
        assertEquals(new Reply(code, message), client.reply());
        client.assertClosedByReceiver();
    }

    private static void assertProtocolError(RawConnection client, String why) {
        assertAnsweredThenClosed(client, ReplyCode.REJECTED, "protocol error: " + why);
    }

    /** Exactly these lines, in order, are what the receiver logged (at INFO and above) so far. */
    private void assertReceiverLogged(String... lines) {
        assertEquals(List.of(lines), log.lines(Level.INFO, RECEIVER_LOGGERS));
    }

    private static String refusedHandshake(RawConnection client, String why) {
        return "WARNING refused " + client.address() + " (certificate '" + CLIENT + "'): " + why;
    }

    /** The access log's line for a REJECTED reply that answers no request. */
    private static String rejectedOutsideRequest(RawConnection client, String why) {
        return "WARNING REJECTED " + CLIENT + " at " + client.address() + ": protocol error: " + why;
    }

    private static String rejectedRequest(String name, String message) {
        return rejectedRequest(SERVER, name, message);
    }

    private static String rejectedRequest(String server, String name, String message) {
        return "WARNING REJECTED " + CLIENT + " -> " + server + "/" + name + " (N ms): " + message;
    }

    /**
     * After a refused PUT the client sends the upload's frames anyway: they are skipped without an answer and the
     * connection takes the next upload.
     */
    private void assertSkipsTheRestAndStoresTheNextUpload(RawConnection client) throws IOException {
        client.send(data(CONTENT), end(crc32c(CONTENT)));
        assertStores(client, HISTORY);
        assertEquals(List.of(HISTORY, "xlog.db"), walsFiles(), "only the next upload is stored");
    }

    /** A well-behaved client on a new connection is served as before. */
    private void assertReceiverUnharmed() throws IOException {
        try (RawConnection client = greeted()) {
            assertStores(client, AFTERWARDS);
        }
    }

    private void assertStores(RawConnection client, String name) throws IOException {
        client.send(put(SERVER, name, CONTENT.length, MTIME), data(CONTENT), end(crc32c(CONTENT)));
        assertEquals(new Reply(ReplyCode.STORED, name + " stored"), client.reply());
        assertArrayEquals(CONTENT, Files.readAllBytes(wals.resolve(name)));
    }

    /** No temp file left behind (once the receiver has seen the connection close) and nothing stored. */
    private void assertNothingStored() throws IOException {
        awaitNoTempFiles();
        assertEquals(List.of(), walsFiles());
    }

    /** Whatever a refused name asked for, the only files written are the archive's own. */
    private void assertNoFileOutsideTheArchive() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            List<String> files = all.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted()
                    .toList();
            assertEquals(List.of("barman/.pg-xlogdb.lock", "barman/pg/wals/" + HISTORY, "barman/pg/wals/xlog.db",
                    "barman/pg/walship-checksums"),
                    files);
        }
    }

    /** The upload under way has started writing its temp file. */
    private void awaitTempFile() throws IOException {
        awaitTempFiles(true);
    }

    private void awaitNoTempFiles() throws IOException {
        awaitTempFiles(false);
    }

    private void awaitTempFiles(boolean present) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (walsFiles().stream().anyMatch(HostileFramesTest::isTemp) != present) {
            if (System.nanoTime() - deadline > 0) {
                fail((present ? "no temp file appeared" : "temp files left") + " in " + wals + ": " + walsFiles());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private static boolean isTemp(String relativePath) {
        return Path.of(relativePath).getFileName().toString().startsWith(".");
    }

    /** Every file under the wals directory, dot files included, as paths relative to it. */
    private List<String> walsFiles() throws IOException {
        if (!Files.isDirectory(wals)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(wals)) {
            return all.filter(Files::isRegularFile).map(p -> wals.relativize(p).toString()).sorted().toList();
        }
    }

    /** A 1 MiB segment as PostgreSQL 15 writes it: a long page header matching the name, then filler. */
    private static byte[] segment(String name) {
        WalFileName wal = WalFileName.parse(name);
        int size = 1 << 20;
        byte[] bytes = new byte[size];
        new Random(1).nextBytes(bytes);
        ByteBuffer header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        header.putShort(0, (short) 0xD110);
        header.putShort(2, (short) 0x0002);
        header.putInt(4, (int) wal.timeline());
        header.putLong(8, (wal.log() << 32) | (wal.segment() * size));
        header.putInt(16, 0);
        header.putInt(20, 0);
        header.putLong(24, SYSTEM_ID);
        header.putInt(32, size);
        header.putInt(36, 8192);
        return bytes;
    }
}
