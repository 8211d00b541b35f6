package io.walship.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.walship.agent.ca.CertificateAuthority;
import io.walship.agent.config.AgentConfig;
import io.walship.agent.config.FetchCompression;
import io.walship.agent.config.ReceiverAddresses;
import io.walship.agent.config.WireCompression;
import io.walship.agent.net.ReceiverClient;
import io.walship.agent.spool.AgentPresence;
import io.walship.agent.spool.ShippedRecords;
import io.walship.agent.spool.SpoolLayout;
import io.walship.protocol.ReplyCode;
import io.walship.protocol.TlsContexts;
import io.walship.testing.Cleanup;
import io.walship.testing.LogCapture;
import io.walship.testing.ScriptedReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-ahead agent against an in-process receiver that answers what each test scripts: what it ships, in
 * which order, how many at a time, what it records, and that it never ships past a file that fails.
 */
class ShippingAgentTest {

    private static final String SERVER = "pg";
    private static final int CONCURRENCY = 3;
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    static Path certs;

    @TempDir
    Path dir;
    private Path pgdata;
    private Path walDir;
    private ShippedRecords records;
    private final Cleanup cleanup = new Cleanup();
    private LogCapture log;

    @BeforeAll
    static void issueCertificates() throws Exception {
        CertificateAuthority ca = new CertificateAuthority();
        ca.init(certs);
        ca.issue(certs, "receiver", List.of("127.0.0.1", "localhost"));
        ca.issue(certs, "agent1", List.of());
    }

    @BeforeEach
    void dataDirectory() throws Exception {
        pgdata = dir.resolve("data");
        walDir = Files.createDirectories(pgdata.resolve("pg_wal/archive_status")).getParent();
        records = new ShippedRecords(spool());
        log = LogCapture.of(ShippingAgent.class);
    }

    @AfterEach
    void stopEverything() throws Exception {
        log.close();
        cleanup.closeAll();
    }

    @Test
    void shipsEveryReadyFileOnceInArchiverOrderAtMostConcurrencyAtATimeAndRecordsIt() throws Exception {
        ScriptedReceiver receiver = receiver(0);
        // No reply until the test opens the gate: the uploads under way then are exactly those started first.
        receiver.closeGate();
        List<String> names = List.of("00000002.history", "000000010000000000000001", "000000010000000000000002",
                "000000010000000000000002.00000028.backup", "000000010000000000000003", "000000010000000000000004",
                "000000010000000000000005", "000000020000000000000005.partial");
        for (String name : names.reversed()) {
            ready(name, 4096 + name.length());
        }

        startAgent(receiver.port());
        awaitTrue(CONCURRENCY + " uploads under way", () -> receiver.puts().size() >= CONCURRENCY);
        // Bounded look for a fourth upload, which must not come while three wait for their replies.
        long lookUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        while (System.nanoTime() - lookUntil < 0 && receiver.puts().size() == CONCURRENCY) {
            Thread.sleep(20);
        }
        assertEquals(Set.copyOf(names.subList(0, CONCURRENCY)), Set.copyOf(receiver.puts()),
                "expected the first " + CONCURRENCY + " in archiver order (history first) under way, and no more");
        receiver.openGate();
        awaitTrue("every file recorded", () -> recorded(names));

        List<String> puts = receiver.puts();
        assertEquals(names.size(), puts.size(), "expected each file shipped exactly once: " + puts);
        assertEquals(Set.copyOf(names), Set.copyOf(puts));
        assertTrue(receiver.maxInFlight.get() <= CONCURRENCY,
                "expected at most " + CONCURRENCY + " uploads at a time, saw " + receiver.maxInFlight.get());
        for (String name : names) {
            assertTrue(records.matches(name, attributes(name)), "expected a matching record of " + name);
            assertEquals(Files.size(walDir.resolve(name)), receiver.sizes.get(name),
                    "expected all of " + name + " to arrive");
        }
        assertTrue(logged("INFO shipped 000000010000000000000001 (STORED"), "expected a shipped line: " + log());

        // Nothing new: a later pass finds every ready file recorded and sends nothing.
        int before = receiver.puts().size();
        ready("000000010000000000000006", 4096);
        awaitTrue("the new file recorded", () -> recorded(List.of("000000010000000000000006")));
        assertEquals(before + 1, receiver.puts().size(), "expected only the new file shipped: " + receiver.puts());
    }

    @Test
    void aFileWithAMatchingRecordIsNotShippedAgainAndOneWithAStaleRecordIs() throws Exception {
        ScriptedReceiver receiver = receiver(0);
        ready("000000010000000000000001", 4096);
        ready("000000010000000000000002", 4096);
        ready("000000010000000000000003", 4096);
        records.record("000000010000000000000001", ShippedRecords.stamp(walDir.resolve("000000010000000000000001")));
        records.record("000000010000000000000002", "4096 1.000000000");

        startAgent(receiver.port());
        awaitTrue("all recorded", () -> recorded(List.of("000000010000000000000001", "000000010000000000000002",
                "000000010000000000000003")));

        assertEquals(List.of("000000010000000000000002", "000000010000000000000003"), receiver.puts().stream().sorted()
                .toList(), "expected the matching record to spare its upload, and the stale one to be replaced");
    }

    @Test
    void alreadyStoredCountsAsShippedAndOtherRepliesAreNotRecorded() throws Exception {
        ScriptedReceiver receiver = receiver(0);
        receiver.script.put("000000010000000000000001", ReplyCode.ALREADY_STORED);
        receiver.script.put("000000010000000000000002", ReplyCode.REJECTED);
        ready("000000010000000000000001", 4096);
        ready("000000010000000000000002", 4096);

        startAgent(receiver.port());
        awaitTrue("the identical copy recorded", () -> recorded(List.of("000000010000000000000001")));
        awaitTrue("the rejection logged", () -> logged("WARNING could not ship 000000010000000000000002"));

        assertFalse(Files.exists(spool().shipped("000000010000000000000002")), "a rejected file has no record");
        assertTrue(logged("REJECTED"), "expected the reply code in the log: " + log());
    }

    /**
     * The contract of the agent: until a failing file is stored, nothing after it in archiver order is started, not
     * even while that file's retry is on its way.
     */
    @Test
    void nothingAfterAFailingFileIsStartedUntilItIsStored() throws Exception {
        String a = "000000010000000000000001";
        String b = "000000010000000000000002";
        String failing = "000000010000000000000003";
        String d = "000000010000000000000004";
        String e = "000000010000000000000005";
        ScriptedReceiver receiver = receiver(0);
        receiver.script.put(failing, ReplyCode.CONFLICT);
        // Each retry of the failing file stays in flight for a while, as a real 16 MiB upload does.
        receiver.delays.put(failing, Duration.ofMillis(400));
        ready(a, 4096);
        ready(b, 4096);
        ready(failing, 4096);

        startAgent(receiver.port());
        awaitTrue("the first failure logged", () -> logged("WARNING could not ship " + failing));
        // PostgreSQL marks later segments ready while the failing one waits for its retry.
        ready(d, 4096);
        ready(e, 4096);
        awaitTrue("two failed attempts", () -> receiver.replies(failing, ReplyCode.CONFLICT) >= 2);

        List<String> held = receiver.puts();
        assertTrue(recorded(List.of(a, b)), "expected the files before the failing one shipped");
        String mark = Files.readString(spool().held());
        assertTrue(mark.startsWith(failing + "\n") && mark.contains("CONFLICT"), "expected the held-back mark, which "
                + "makes pushes send the file themselves, to name " + failing + " and why, not <" + mark + ">");
        assertFalse(held.contains(d) || held.contains(e), "expected nothing after " + failing + " to be started "
                + "while it fails (also not during its retry), but the receiver saw " + held);

        receiver.script.put(failing, ReplyCode.STORED);
        awaitTrue("everything recorded after the failing file is stored", () -> recorded(List.of(failing, d, e)));
        assertFalse(Files.exists(spool().held()), "expected the held-back mark gone once "
                + failing + " was stored");
        List<String> events = receiver.events();
        int stored = events.indexOf("STORED " + failing);
        assertTrue(stored >= 0 && events.indexOf("PUT " + d) > stored && events.indexOf("PUT " + e) > stored,
                "expected " + d + " and " + e + " to start only after " + failing + " was stored: " + events);
    }

    @Test
    void aFailingFileIsRetriedWithGrowingPauses() throws Exception {
        String failing = "000000010000000000000001";
        ScriptedReceiver receiver = receiver(0);
        receiver.script.put(failing, ReplyCode.FAILED);
        ready(failing, 4096);

        startAgent(receiver.port());
        awaitTrue("three attempts", () -> receiver.replies(failing, ReplyCode.FAILED) >= 3);

        List<Long> at = receiver.putTimes(failing);
        long first = at.get(1) - at.get(0);
        long second = at.get(2) - at.get(1);
        assertTrue(first >= TimeUnit.MILLISECONDS.toNanos(900), "expected about 1 s before the first retry, "
                + TimeUnit.NANOSECONDS.toMillis(first) + " ms");
        assertTrue(second >= TimeUnit.MILLISECONDS.toNanos(1800), "expected about 2 s before the second retry, "
                + TimeUnit.NANOSECONDS.toMillis(second) + " ms");
        assertTrue(logged("retry in 1 s") && logged("retry in 2 s"), "expected the pauses in the log: " + log());
        assertFalse(Files.exists(spool().shipped(failing)));
    }

    @Test
    void itsMetricsCountWhatItShippedAndShowItHeldBackWhileAFileFails() throws Exception {
        String identical = "000000010000000000000001";
        String stored = "000000010000000000000002";
        String failing = "000000010000000000000003";
        ScriptedReceiver receiver = receiver(0);
        receiver.script.put(identical, ReplyCode.ALREADY_STORED);
        receiver.script.put(failing, ReplyCode.FAILED);
        ready(identical, 4096);
        ready(stored, 5000);
        ready(failing, 4096);
        ShippingAgent agent = startAgent(receiver.port());
        awaitTrue("two recorded and a failure", () -> recorded(List.of(identical, stored))
                && logged("WARNING could not ship " + failing));

        // The record is written first, the metrics a moment later: wait until all of them show.
        List<String> expected = List.of(
                "walship_agent_shipped_files_total{result=\"already_stored\",server=\"pg\"} 1.0",
                "walship_agent_shipped_files_total{result=\"stored\",server=\"pg\"} 1.0",
                "walship_agent_shipped_bytes_total{server=\"pg\"} 9096.0",
                "walship_agent_upload_duration_seconds_count{server=\"pg\"} 2",
                "walship_agent_held_back{server=\"pg\"} 1.0",
                // PostgreSQL, not the agent, marks a file done: all three are still ready.
                "walship_agent_ready_files{server=\"pg\"} 3.0");
        AtomicReference<String> last = new AtomicReference<>("");
        awaitTrue("the metrics of two shipped files and one failing", () -> {
            last.set(exposition(agent));
            return last.get().lines().toList().containsAll(expected);
        });
        String held = last.get();
        assertTrue(held.contains("walship_agent_upload_failures_total{server=\"pg\"} "), held);
        assertTrue(held.contains("walship_agent_oldest_ready_age_seconds{server=\"pg\"} "), held);

        receiver.script.put(failing, ReplyCode.STORED);
        awaitTrue("the failing file recorded", () -> recorded(List.of(failing)));
        // The record is written first, the gauges a moment later.
        awaitTrue("held_back back to 0 and the bytes counted", () -> {
            List<String> released = exposition(agent).lines().toList();
            return released.contains("walship_agent_held_back{server=\"pg\"} 0.0")
                    && released.contains("walship_agent_shipped_bytes_total{server=\"pg\"} 13192.0");
        });
    }

    @Test
    void aFailingFileThatPostgresArchivedWithoutTheAgentHoldsNothingBackAnyMore() throws Exception {
        String failing = "000000010000000000000001";
        String next = "000000010000000000000002";
        ScriptedReceiver receiver = receiver(0);
        receiver.script.put(failing, ReplyCode.FAILED);
        ready(failing, 4096);
        ShippingAgent agent = startAgent(receiver.port());
        awaitTrue("the held-back mark", () -> Files.exists(spool().held()));

        // Its push, which a held-back agent leaves the file to, stored it and PostgreSQL marked it done.
        Path status = walDir.resolve("archive_status");
        Files.move(status.resolve(failing + ".ready"), status.resolve(failing + ".done"));
        ready(next, 4096);

        awaitTrue("the next file recorded", () -> recorded(List.of(next)));
        assertFalse(Files.exists(spool().held()), "expected the held-back mark gone with the file it named");
        assertTrue(exposition(agent).lines().anyMatch("walship_agent_held_back{server=\"pg\"} 0.0"::equals),
                exposition(agent));
    }

    /** What Prometheus scrapes of the agent's registry. */
    private static String exposition(ShippingAgent agent) {
        return PrometheusTextFormatWriter.create().toDebugString(agent.metrics().registry().scrape());
    }

    @Test
    void recordsOfFilesNoLongerInPgWalAreForgotten() throws Exception {
        ScriptedReceiver receiver = receiver(0);
        ready("000000010000000000000007", 4096);
        records.record("000000010000000000000003", "4096 1.000000000");
        records.record("000000010000000000000007", ShippedRecords.stamp(walDir.resolve("000000010000000000000007")));

        startAgent(receiver.port());
        awaitTrue("the recycled file's record forgotten", () -> !Files.exists(spool()
                .shipped("000000010000000000000003")));

        assertEquals(Set.of("000000010000000000000007"), records.names());
        assertEquals(List.of(), receiver.puts());
    }

    @Test
    void anUnreachableReceiverIsRetriedAndARestartedOneIsReconnected() throws Exception {
        int port = freePort();
        ready("000000010000000000000001", 4096);
        startAgent(port);
        awaitTrue("the failure logged", () -> logged("WARNING could not ship 000000010000000000000001"));
        assertFalse(Files.exists(spool().shipped("000000010000000000000001")));

        ScriptedReceiver first = receiver(port);
        awaitTrue("shipped once the receiver listens", () -> recorded(List.of("000000010000000000000001")));

        first.close();
        ScriptedReceiver second = receiver(port);
        ready("000000010000000000000002", 4096);
        awaitTrue("shipped to the restarted receiver", () -> recorded(List.of("000000010000000000000002")));
        assertEquals(List.of("000000010000000000000002"), second.puts());
    }

    @Test
    void aReadyFileThatIsGoneIsSkipped() throws Exception {
        ScriptedReceiver receiver = receiver(0);
        Files.createFile(walDir.resolve("archive_status/000000010000000000000001.ready"));
        ready("000000010000000000000002", 4096);

        startAgent(receiver.port());
        awaitTrue("the next file recorded", () -> recorded(List.of("000000010000000000000002")));

        assertEquals(List.of("000000010000000000000002"), receiver.puts());
    }

    // ---------------------------------------------------------------------------------------------------------

    private ShippingAgent startAgent(int port) throws Exception {
        AgentConfig config = new AgentConfig(dir.resolve("walship.conf"),
                ReceiverAddresses.of(InetSocketAddress.createUnresolved("127.0.0.1", port)), SERVER,
                certs.resolve("ca.crt"), certs.resolve("agent1.crt"), certs.resolve("agent1.key"), 0, spool(), CONCURRENCY, false,
                0, Optional.empty(), Optional.empty(), WireCompression.ZSTD, FetchCompression.ZSTD);
        ReceiverClient client = new ReceiverClient(config, CONCURRENCY);
        cleanup.push(client);
        ShippingAgent agent = new ShippingAgent(config, pgdata, records, client, new AgentPresence(spool()));
        AtomicReference<Throwable> crashed = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().name("shipping-agent-under-test").start(() -> {
            try {
                agent.run();
            } catch (IOException | InterruptedException | RuntimeException e) {
                crashed.set(e);
            }
        });
        cleanup.push(() -> {
            agent.stop();
            thread.join(TimeUnit.SECONDS.toMillis(30));
            if (thread.isAlive()) {
                fail("the agent did not stop within 30 s");
            }
            if (crashed.get() != null) {
                throw new AssertionError("the agent's loop ended with an exception", crashed.get());
            }
        });
        return agent;
    }

    private ScriptedReceiver receiver(int port) throws Exception {
        ScriptedReceiver receiver = new ScriptedReceiver(TlsContexts.receiver(certs.resolve("receiver.crt"),
                certs.resolve("receiver.key"), certs.resolve("ca.crt")), port);
        cleanup.push(receiver);
        return receiver;
    }

    private SpoolLayout spool() {
        return new SpoolLayout(dir.resolve("spool/pg"));
    }

    private void ready(String name, int size) throws IOException {
        Path file = walDir.resolve(name);
        byte[] content = new byte[size];
        content[0] = (byte) name.hashCode();
        Files.write(file, content);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-02T03:04:05.123456789Z")));
        Files.createFile(walDir.resolve("archive_status").resolve(name + ".ready"));
    }

    private java.nio.file.attribute.BasicFileAttributes attributes(String name) throws IOException {
        return Files.readAttributes(walDir.resolve(name), java.nio.file.attribute.BasicFileAttributes.class);
    }

    private boolean recorded(List<String> names) {
        try {
            for (String name : names) {
                if (!records.matches(name, attributes(name))) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            throw new AssertionError("cannot read the records", e);
        }
    }

    private boolean logged(String text) {
        return log.contains(text);
    }

    private String log() {
        return log.text();
    }

    private void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("waited " + DEADLINE + " for " + what + "; agent log:\n" + log());
            }
            Thread.sleep(20);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
