package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walship.testing.AgentConfigFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The receiver's metrics and {@code walship receiver-status} with real processes: a {@code walship receiver} with
 * metrics_listen, real {@code walship push} commands over mutual TLS with certificates of walship's CA (one from
 * another CA), then its /metrics scraped over HTTP and its status asked on its socket. Each counter must equal what
 * was pushed: files stored, an identical re-push, a conflict, rejections by reason, bytes, a refused handshake.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReceiverMetricsIT {

    private static final String SERVER = "pg";
    private static final List<String> HISTORIES = List.of("00000002.history", "00000003.history",
            "00000004.history");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String TLS_NOT_FROM_CA = "walship_receiver_tls_failures_total{cause=\"not_from_ca\"}";
    private static final int EXIT_TLS = 4;
    private static final int EXIT_REJECTED = 5;
    private static final int EXIT_CONFLICT = 6;

    private final TestBed bed = new TestBed("walship-metrics-it-");
    private final ObjectMapper json = new ObjectMapper();
    private CaDirectory certs;
    private Path barmanHome;
    private ExpectedBarmanLayout store;
    private Path receiverConfig;
    private ReceiverProcess receiver;
    private String metricsUrl;
    private Instant pushesStarted;
    /** Every byte the pushes sent in DATA frames, refused uploads included. */
    private long bytesSent;
    private Scrape afterPushes;

    @BeforeAll
    void pushToAReceiverWithMetrics() throws Exception {
        certs = bed.ca("certs").issue("receiver", "127.0.0.1").issue("pg-agent").issue("other-agent");
        CaDirectory rogue = bed.ca("rogue-ca").issue("pg-agent");
        barmanHome = bed.directory("barman");
        store = new ExpectedBarmanLayout(barmanHome);
        receiverConfig = ReceiverConfigFile.barmanHome(barmanHome).tls(certs, "receiver")
                .set("metrics_listen", "127.0.0.1:0").server(SERVER, "pg-agent")
                .writeTo(bed.resolve("receiver.conf"));
        receiver = bed.closeLater(bed.launcher().startReceiver(receiverConfig, bed.resolve("receiver.stderr")));
        metricsUrl = Scrape.urlIn(receiver.stderr());

        pushesStarted = Instant.now();
        Path pg = agent("pg-agent", certs);
        List<Path> histories = new ArrayList<>();
        for (int i = 0; i < HISTORIES.size(); i++) {
            histories.add(history(HISTORIES.get(i), i + 2));
            assertPush(0, pg, histories.get(i), HISTORIES.get(i));
        }
        assertPush(0, pg, histories.getFirst(), HISTORIES.getFirst());
        assertPush(EXIT_CONFLICT, pg, histories.get(1), HISTORIES.getFirst());
        assertPush(EXIT_REJECTED, agent("other-agent", certs), histories.get(2), "00000005.history");
        Path garbage = Files.writeString(bed.resolve("garbage"), "not a timeline history\n");
        assertPush(EXIT_REJECTED, pg, garbage, "00000009.history");
        // The receiver refuses it: the agent trusts the receiver's CA, its own certificate is of another one.
        Path otherCa = AgentConfigFile.forServer(SERVER, receiver.port())
                .tls(certs.caCertificate(), rogue.certificate("pg-agent"), rogue.key("pg-agent"))
                .set("spool_directory", bed.resolve("spool-other-ca")).writeTo(bed.resolve("other-ca.conf"));
        assertPush(EXIT_TLS, otherCa, histories.getFirst(), HISTORIES.getFirst());
        // The pushes have exited; the receiver ends their connections, and handles the refused handshake, a moment
        // later.
        afterPushes = Scrape.await(metricsUrl, TIMEOUT, "every connection closed and the handshake counted",
                scrape -> scrape.value("walship_receiver_connections{client=\"pg-agent\"}") == 0
                        && scrape.find(TLS_NOT_FROM_CA).isPresent(), receiver::logTail);
    }

    @AfterAll
    void stopEverything() throws Exception {
        bed.close();
    }

    @Test
    @Order(1)
    void theScrapedCountersAreWhatWasPushed() throws IOException {
        Scrape scrape = afterPushes;

        assertEquals(3, scrape.count(uploads("stored")), scrape.text());
        assertEquals(1, scrape.count(uploads("already_stored")));
        assertEquals(1, scrape.count(uploads("conflict")));
        assertEquals(2, scrape.count(uploads("rejected")));
        assertEquals(0, scrape.count(uploads("busy")));
        assertEquals(0, scrape.count(uploads("failed")));
        assertEquals(1, scrape.count("walship_receiver_rejected_total{reason=\"unauthorized\",server=\"pg\"}"));
        assertEquals(1, scrape.count("walship_receiver_rejected_total{reason=\"bad_content\",server=\"pg\"}"));
        assertEquals(1, scrape.count(TLS_NOT_FROM_CA));
        assertEquals(bytesSent, scrape.count("walship_receiver_received_bytes_total{server=\"pg\"}"));
        assertEquals(storedBytes(), scrape.count("walship_receiver_stored_bytes_total{server=\"pg\"}"),
                "the bytes of the three files as stored");
        assertEquals(4, scrape.count("walship_receiver_upload_duration_seconds_count{server=\"pg\"}"),
                "the stored and the identical one");
        assertTrue(scrape.count("walship_receiver_lock_wait_seconds_count{server=\"pg\"}") >= 4,
                "at least one wait for each upload that indexed: " + scrape.text());
        double lastStored = scrape.value("walship_receiver_last_stored_timestamp_seconds{server=\"pg\"}");
        assertTrue(lastStored >= pushesStarted.getEpochSecond() && lastStored <= Instant.now().getEpochSecond() + 1,
                "expected the time of the last store, during the pushes: " + lastStored);
        assertEquals(0, scrape.count("walship_receiver_uploads_in_progress{client=\"pg-agent\"}"));
    }

    @Test
    @Order(2)
    void receiverStatusShowsTheSameFiguresAndWhatXlogDbSays() throws IOException {
        Proc.Result status = bed.launcher().run("receiver-status", "--config", receiverConfig.toString());

        assertEquals(0, status.exitCode(), status.describe());
        assertEquals("", status.stderr(), status.describe());
        String text = status.stdout();
        assertTrue(text.startsWith("receiver: running since "), text);
        assertContains(text, "  connections: none\n");
        assertContains(text, "  TLS failures: not_from_ca 1\n");
        assertContains(text, "server 'pg'\n  newest in xlog.db: 00000004.history (");
        assertContains(text, "  today (" + LocalDate.now(ZoneId.systemDefault()) + "): 3 files, " + storedBytes()
                + " bytes stored\n");
        assertContains(text, "  since the receiver started: 3 stored, 1 already stored, 1 conflicting, 2 rejected "
                + "(bad_content 1, unauthorized 1), 0 busy, 0 failed\n    " + bytesSent + " bytes received, "
                + storedBytes() + " bytes stored, last stored ");
    }

    @Test
    @Order(3)
    void itsJsonIsTheScrapedFiguresAndTheArchive() throws IOException {
        Proc.Result status = bed.launcher().run("receiver-status", "--config", receiverConfig.toString(), "--json");

        assertEquals(0, status.exitCode(), status.describe());
        JsonNode report = json.readTree(status.stdout());
        JsonNode pg = report.at("/receiver/servers/pg");
        Scrape scrape = Scrape.of(metricsUrl);
        for (String result : List.of("stored", "already_stored", "conflict", "rejected", "busy", "failed")) {
            assertEquals(scrape.count(uploads(result)), pg.at("/uploads/" + result).asLong(), result);
        }
        assertEquals(1, pg.at("/rejected/unauthorized").asLong());
        assertEquals(1, pg.at("/rejected/bad_content").asLong());
        assertEquals(bytesSent, pg.at("/received_bytes").asLong());
        assertEquals(storedBytes(), pg.at("/stored_bytes").asLong());
        assertEquals((long) scrape.value("walship_receiver_last_stored_timestamp_seconds{server=\"pg\"}"),
                Instant.parse(pg.at("/last_stored").asText()).getEpochSecond());
        assertEquals(0, report.at("/receiver/connections/pg-agent").asLong());
        assertEquals(1, report.at("/receiver/tls_failures/not_from_ca").asLong());
        assertEquals(barmanHome.resolve(".walship-receiver.sock").toString(), report.at("/status_socket").asText());
        assertArchive(report);
    }

    @Test
    @Order(4)
    void aSecondReceiverOnTheSameMetricsPortStopsWithOneLineNamingTheSetting() throws IOException {
        String port = metricsUrl.replaceAll(".*:(\\d+)/metrics", "$1");
        Path config = ReceiverConfigFile.barmanHome(bed.directory("barman-2")).tls(certs, "receiver")
                .set("metrics_listen", "127.0.0.1:" + port).server(SERVER, "pg-agent")
                .writeTo(bed.resolve("receiver-2.conf"));

        Proc.Result second = bed.launcher().run("receiver", "--config", config.toString());

        assertNotEquals(0, second.exitCode(), second.describe());
        List<String> errors = second.stderr().lines().filter(line -> line.startsWith("walship receiver: ")).toList();
        assertEquals(1, errors.size(), second.describe());
        assertContains(errors.getFirst(), "cannot serve metrics on 127.0.0.1:" + port + " (metrics_listen): ");
        assertTrue(second.stderr().lines().noneMatch(line -> line.startsWith("\tat ")), second.describe());
    }

    @Test
    @Order(5)
    void aSecondReceiverOnTheSameBarmanHomeStartsButLeavesTheStatusSocketToTheFirst() throws IOException {
        ReceiverProcess second = bed.startReceiver("receiver-3", ReceiverConfigFile.barmanHome(barmanHome)
                .tls(certs, "receiver").server(SERVER, "pg-agent"));
        try {
            assertContains(second.stderr(), "WARNING another receiver answers on "
                    + barmanHome.resolve(".walship-receiver.sock") + " (status_socket); this receiver serves no "
                    + "status there (give each receiver a status_socket of its own)");
        } finally {
            second.close();
        }
        Proc.Result status = bed.launcher().run("receiver-status", "--config", receiverConfig.toString());
        assertEquals(0, status.exitCode(), "the first receiver still answers: " + status.describe());
    }

    @Test
    @Order(6)
    void withNoReceiverRunningItSaysSoInOneLineAndStillShowsTheArchive() throws IOException {
        receiver.close();
        Path socket = barmanHome.resolve(".walship-receiver.sock");
        assertTrue(!Files.exists(socket), "a receiver that stops removes its socket");

        Proc.Result text = bed.launcher().run("receiver-status", "--config", receiverConfig.toString());
        Proc.Result asJson = bed.launcher().run("receiver-status", "--config", receiverConfig.toString(), "--json");

        for (Proc.Result status : List.of(text, asJson)) {
            assertEquals(1, status.exitCode(), status.describe());
            assertEquals("walship receiver-status: no receiver answers on " + socket + " (status_socket); is walship "
                    + "receiver running with this configuration?\n", status.stderr(), status.describe());
        }
        assertTrue(text.stdout().startsWith("receiver: not running (nothing answers on " + socket + ")\n"),
                text.describe());
        assertContains(text.stdout(), "server 'pg'\n  newest in xlog.db: 00000004.history (");
        JsonNode report = json.readTree(asJson.stdout());
        assertTrue(report.get("receiver").isNull(), asJson.stdout());
        assertArchive(report);
    }

    private void assertArchive(JsonNode report) throws IOException {
        JsonNode archive = report.at("/archive/pg");
        assertEquals("00000004.history", archive.at("/newest_file").asText());
        assertEquals(store.xlogDb(SERVER).toString(), archive.at("/index").asText());
        assertEquals(LocalDate.now(ZoneId.systemDefault()).toString(), archive.at("/today").asText());
        assertEquals(3, archive.at("/files_today").asLong());
        assertEquals(storedBytes(), archive.at("/stored_bytes_today").asLong());
        assertEquals(Files.getLastModifiedTime(bed.resolve("00000004.history")).toInstant().getEpochSecond(),
                Instant.parse(archive.at("/newest_file_time").asText()).getEpochSecond(),
                "the time xlog.db gives it, the file's own");
    }

    private static String uploads(String result) {
        return "walship_receiver_uploads_total{result=\"" + result + "\",server=\"pg\"}";
    }

    private long storedBytes() throws IOException {
        long bytes = 0;
        for (String name : HISTORIES) {
            bytes += Files.size(store.walPath(SERVER, name));
        }
        return bytes;
    }

    /** A history file of {@code timeline}: one line for each timeline before it, as PostgreSQL writes them. */
    private Path history(String name, int timeline) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int parent = 1; parent < timeline; parent++) {
            text.append(parent).append("\t0/").append(parent).append("000000\tno recovery target specified\n");
        }
        return Files.writeString(bed.resolve(name), text, StandardCharsets.US_ASCII);
    }

    private Path agent(String client, CaDirectory ca) throws IOException {
        return AgentConfigFile.forServer(SERVER, receiver.port())
                .tls(ca.caCertificate(), ca.certificate(client), ca.key(client))
                .set("spool_directory", bed.resolve("spool-" + client))
                // received_bytes counts what crossed the wire: plain here, to be the files' own sizes.
                .set("wire_compression", "none").writeTo(bed.resolve(client + ".conf"));
    }

    private void assertPush(int exit, Path config, Path file, String name) throws IOException {
        Proc.Result push = bed.launcher().run("push", "--config", config.toString(), file.toString(), name);
        assertEquals(exit, push.exitCode(), push.describe() + receiver.logTail());
        if (exit != EXIT_TLS) {
            bytesSent += Files.size(file);
        }
    }

    private static void assertContains(String text, String part) {
        assertTrue(text.contains(part), "expected '" + part + "' in:\n" + text);
    }
}
