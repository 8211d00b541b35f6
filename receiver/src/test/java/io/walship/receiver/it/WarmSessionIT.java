package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdCompressCtx;
import io.walship.agent.config.AgentConfig;
import io.walship.agent.net.FileChunks;
import io.walship.agent.net.FileUpload;
import io.walship.agent.net.ReceiverClient;
import io.walship.agent.net.ReceiverSession;
import io.walship.protocol.Capabilities;
import io.walship.protocol.Put;
import io.walship.protocol.Reply;
import io.walship.protocol.ReplyCode;
import io.walship.protocol.WalZstd;
import io.walship.protocol.WireEncoding;
import io.walship.testing.AgentConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The agent's warm connection, against the real receiver: a conflict shows in the first bytes of a segment and
 * is answered long before its END, while most of the 16 MiB are still to be written. The connection must still
 * serve the next file, however soon the caller closes what it sent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WarmSessionIT {

    private static final String SERVER = "pg";
    private static final String SEGMENT = "000000010000000000000001";
    /** Past the 40-byte long page header, inside the first chunk. */
    private static final int BODY_BYTE = 100;

    private final TestBed bed = new TestBed("walship-session-it-");
    private Path segment;
    private Path impostor;
    private Path agentConfig;
    private ReceiverProcess receiver;

    @BeforeAll
    void start() throws Exception {
        PostgresCluster cluster = bed.cluster();
        cluster.initdb();
        segment = Files.copy(cluster.dataDir().resolve("pg_wal").resolve(SEGMENT),
                bed.directory("wal").resolve(SEGMENT));
        byte[] bytes = Files.readAllBytes(segment);
        bytes[BODY_BYTE] ^= 0x5a;
        impostor = Files.write(bed.directory("impostor").resolve(SEGMENT), bytes);
        CaDirectory certs = bed.ca("certs").issue("receiver", "127.0.0.1").issue("pg-agent");
        receiver = bed.startReceiver(ReceiverConfigFile.barmanHome(bed.directory("barman")).tls(certs, "receiver")
                .server(SERVER, "pg-agent"));
        agentConfig = AgentConfigFile.forServer(SERVER, receiver.port())
                .tls(certs.caCertificate(), certs.certificate("pg-agent"), certs.key("pg-agent"))
                .set("spool_directory", bed.resolve("spool")).writeTo(bed.resolve("agent.conf"));
    }

    @AfterAll
    void stopEverything() throws Exception {
        bed.close();
    }

    @Test
    void aConflictAnsweredBeforeItsEndLeavesTheConnectionServingTheNextFile() throws Exception {
        try (ReceiverClient client = new ReceiverClient(AgentConfig.load(agentConfig));
                ReceiverSession session = client.openSession()) {
            assertEquals(ReplyCode.STORED, put(session, segment).code(), receiver.logTail());
            for (int i = 0; i < 3; i++) {
                Reply conflict = put(session, impostor);
                assertEquals(ReplyCode.CONFLICT, conflict.code(), conflict.message() + receiver.logTail());
                Reply again = put(session, segment);
                assertEquals(ReplyCode.ALREADY_STORED, again.code(), again.message() + receiver.logTail());
            }
            assertTrue(session.isOpen(), "expected the warm connection still open" + receiver.logTail());
        }
        assertFalse(receiver.stderr().contains("protocol error"), receiver.logTail());
    }

    /** Compressed input is hostile input too: refused, nothing stored, and the connection goes on. */
    @Test
    void aCompressedUploadThatIsNotTheAnnouncedFileIsRejectedAndNothingStored() throws Exception {
        String next = "000000010000000000000002";
        long size = Files.size(segment);
        // The real segment, then as many zeros again: past the size its PUT announces.
        byte[] bomb;
        try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
            bomb = WalZstd.configure(ctx, 2 * size).compress(Arrays.copyOf(Files.readAllBytes(segment),
                    (int) (2 * size)));
        }
        Map<String, byte[]> crafted = new LinkedHashMap<>();
        crafted.put(SEGMENT, bomb);
        crafted.put(next, Files.readAllBytes(segment));
        Map<Path, String> before = storedFiles();
        try (ReceiverClient client = new ReceiverClient(AgentConfig.load(agentConfig));
                ReceiverSession session = client.openSession()) {
            assertTrue(Capabilities.has(session.capabilities(), Capabilities.ZSTD_UPLOADS));
            for (Map.Entry<String, byte[]> upload : crafted.entrySet()) {
                Reply reply = session.put(new Put(SERVER, upload.getKey(), size, 1_700_000_000_000_000_000L,
                        WireEncoding.ZSTD), new CraftedUpload(upload.getValue(), 0));
                assertEquals(ReplyCode.REJECTED, reply.code(), reply.message() + receiver.logTail());
                assertTrue(reply.message().contains("zstd"), reply.message());
            }
            try (FileUpload upload = FileUpload.of(segment, size, WireEncoding.ZSTD)) {
                Reply reply = session.put(new Put(SERVER, SEGMENT, size,
                        Files.getLastModifiedTime(segment).to(TimeUnit.NANOSECONDS), WireEncoding.ZSTD), upload);
                assertTrue(reply.code().isArchived(), reply.message() + receiver.logTail());
            }
        }
        assertEquals(before, storedFiles(), "nothing stored, nothing left behind");
    }

    /** Every file under barman_home, temp files included, with a digest of its bytes. */
    private Map<Path, String> storedFiles() throws Exception {
        Map<Path, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(bed.resolve("barman"))) {
            for (Path file : walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".sock"))
                    .toList()) {
                files.put(file, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(file))));
            }
        }
        return files;
    }

    /** As the agent sends: the chunks are closed as soon as the reply is back. */
    private static Reply put(ReceiverSession session, Path file) throws Exception {
        long size = Files.size(file);
        try (FileChunks chunks = new FileChunks(file, size)) {
            return session.put(new Put(SERVER, SEGMENT, size,
                    Files.getLastModifiedTime(file).to(TimeUnit.NANOSECONDS)), chunks);
        }
    }
}
