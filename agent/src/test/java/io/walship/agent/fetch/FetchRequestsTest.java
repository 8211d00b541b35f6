package io.walship.agent.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.walship.agent.ca.CertificateAuthority;
import io.walship.agent.config.AgentConfig;
import io.walship.agent.config.FetchCompression;
import io.walship.agent.net.ReceiverClient;
import io.walship.agent.spool.SpoolLayout;
import io.walship.testing.AgentConfigFile;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-ahead's side of the launcher's asks (bin/lib/fetched.sh), with a real client whose receiver cannot be
 * reached: what it answers without the network comes only from a verified spooled segment, and whatever needs the
 * receiver is answered as failed (the launcher then runs Java), never as missing.
 */
class FetchRequestsTest {

    private static final WalFileName SEGMENT = WalFileName.parse("00000001000000000000002A");
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    static Path certs;
    @TempDir
    Path dir;
    private ReadAheadSpool spool;
    private ReceiverClient client;
    private FetchRequests requests;
    private final AtomicInteger asked = new AtomicInteger();

    @BeforeAll
    static void issueCertificates() throws Exception {
        CertificateAuthority ca = new CertificateAuthority();
        ca.init(certs);
        ca.issue(certs, "agent1", List.of());
    }

    @BeforeEach
    void start() throws Exception {
        AgentConfig config = AgentConfig.load(AgentConfigFile.forServer("pg", closedPort())
                .tls(certs.resolve("ca.crt"), certs.resolve("agent1.crt"), certs.resolve("agent1.key"))
                .set("spool_directory", dir.resolve("spool")).writeTo(dir.resolve("walship.conf")));
        SpoolLayout layout = config.spool();
        Files.createDirectories(layout.dir());
        spool = new ReadAheadSpool(layout);
        client = new ReceiverClient(config, 1);
        requests = new FetchRequests(spool, new Fetcher(client, "pg", FetchCompression.ZSTD), asked::incrementAndGet);
        requests.open();
    }

    @AfterEach
    void stop() throws Exception {
        requests.close();
        client.close();
    }

    @Test
    void opensAnnouncedAndCloseWithdrawsTheAnnouncement() throws Exception {
        assertEquals(ProcessHandle.current().pid() + "", Files.readString(spool.layout().prefetchPid()).strip());

        requests.close();

        assertFalse(Files.exists(spool.layout().prefetchPid()), "expected prefetch.pid gone once asks go unanswered");
    }

    @Test
    void aVerifiedSpooledSegmentIsTheAnswerWithoutTheReceiver() throws Exception {
        byte[] bytes = "a verified segment".getBytes();
        Path download = SpoolLayout.downloadTemp(spool.pathOf(SEGMENT));
        Files.write(download, bytes);
        spool.publish(download, spool.pathOf(SEGMENT));

        Path ask = ask(SEGMENT.name());

        Path found = answer(ask);
        assertEquals(ask + SpoolLayout.FOUND_SUFFIX, found.toString());
        assertArrayEquals(bytes, Files.readAllBytes(found));
        assertArrayEquals(bytes, Files.readAllBytes(spool.pathOf(SEGMENT)), "expected the segment kept in the spool");
        assertEquals(SEGMENT, spool.wanted().orElseThrow().name(), "expected the read-ahead window moved to it");
        assertEquals(1, asked.get(), "expected the ask to count as recovery asking");
    }

    @Test
    void anUnverifiedSpooledSegmentIsNotAnAnswer() throws Exception {
        Files.writeString(spool.pathOf(SEGMENT), "never verified");

        Path answer = answer(ask(SEGMENT.name()));

        assertTrue(answer.toString().endsWith(SpoolLayout.FAILED_SUFFIX), "expected the receiver asked, and failed: "
                + answer);
        assertEquals("never verified", Files.readString(spool.pathOf(SEGMENT)));
    }

    @Test
    void whatNeedsTheUnreachableReceiverIsFailedNeverMissing() throws Exception {
        for (String name : List.of("00000002.history", SEGMENT.name())) {
            Path answer = answer(ask(name));

            assertTrue(answer.toString().endsWith(SpoolLayout.FAILED_SUFFIX), "expected " + name + " failed: " + answer);
            assertTrue(Files.readString(answer).contains("cannot connect"), Files.readString(answer));
        }
    }

    /** One that came in as it stopped watching, which no worker took: the launcher must not wait on it. */
    @Test
    void anAskLeftWhenItClosesIsAnsweredAsFailed() throws Exception {
        requests.close();
        Path ask = ask(SEGMENT.name());

        requests.close();

        assertTrue(Files.exists(Path.of(ask + SpoolLayout.FAILED_SUFFIX)), "expected the open ask answered as failed");
    }

    private Path ask(String name) throws IOException {
        return Files.createFile(spool.layout().asksDir().resolve(name + "." + ProcessHandle.current().pid() + "-"
                + System.nanoTime()));
    }

    /** The answer file once one is there; the ask itself is gone by then. */
    private static Path answer(Path ask) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() - deadline < 0) {
            for (String suffix : List.of(SpoolLayout.FOUND_SUFFIX, SpoolLayout.MISSING_SUFFIX,
                    SpoolLayout.FAILED_SUFFIX)) {
                Path answer = Path.of(ask + suffix);
                if (Files.exists(answer) && !Files.exists(ask)) {
                    return answer;
                }
            }
            Thread.sleep(5);
        }
        return fail("no answer to " + ask + " within " + DEADLINE);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
