package io.walship.receiver.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.walship.protocol.ReplyCode;
import io.walship.receiver.store.Outcome;
import io.walship.receiver.store.Rejection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The names, labels and values Prometheus scrapes, and the status view of the same registry. */
class ReceiverMetricsTest {

    private static final Instant STARTED = Instant.parse("2026-03-01T12:00:00Z");

    private final ReceiverMetrics metrics = new ReceiverMetrics(List.of("pg", "pg2"), List.of("pg1", "pg2", "pg3"),
            Clock.fixed(STARTED, ZoneOffset.UTC));

    @Test
    void everyConfiguredServerShowsFromTheStartWithNothingCounted() {
        String text = exposition();

        for (String line : List.of("walship_receiver_uploads_total{result=\"stored\",server=\"pg\"} 0.0",
                "walship_receiver_uploads_total{result=\"already_stored\",server=\"pg2\"} 0.0",
                "walship_receiver_uploads_total{result=\"conflict\",server=\"pg\"} 0.0",
                "walship_receiver_uploads_total{result=\"rejected\",server=\"pg\"} 0.0",
                "walship_receiver_uploads_total{result=\"busy\",server=\"pg\"} 0.0",
                "walship_receiver_uploads_total{result=\"failed\",server=\"pg\"} 0.0",
                "walship_receiver_received_bytes_total{server=\"pg\"} 0.0",
                "walship_receiver_stored_bytes_total{server=\"pg2\"} 0.0",
                "walship_receiver_start_time_seconds 1.7723664E9")) {
            assertLine(text, line);
        }
        assertLine(text, "walship_receiver_upload_duration_seconds_count{server=\"pg\"} 0");
        assertLine(text, "walship_receiver_lock_wait_seconds_count{server=\"pg2\"} 0");
        assertTrue(!text.contains("walship_receiver_last_stored_timestamp_seconds{"), "no time before a store");
    }

    @Test
    void repliesAreCountedByServerAndResultAndRejectionsByReason() {
        metrics.answered("pg", new Outcome(ReplyCode.STORED, "stored"), TimeUnit.MILLISECONDS.toNanos(40));
        metrics.answered("pg", new Outcome(ReplyCode.ALREADY_STORED, "identical"), TimeUnit.MILLISECONDS.toNanos(7));
        metrics.answered("pg", Outcome.rejected(Rejection.OTHER_SYSTEM, "another cluster"), 1000);
        metrics.answered("pg", new Outcome(ReplyCode.BUSY, "busy"), 1000);
        metrics.rejected("pg", Rejection.UNAUTHORIZED);
        metrics.received("pg", 16 << 20);
        metrics.stored("pg", 1 << 20);

        String text = exposition();

        assertLine(text, "walship_receiver_uploads_total{result=\"stored\",server=\"pg\"} 1.0");
        assertLine(text, "walship_receiver_uploads_total{result=\"already_stored\",server=\"pg\"} 1.0");
        assertLine(text, "walship_receiver_uploads_total{result=\"rejected\",server=\"pg\"} 1.0");
        assertLine(text, "walship_receiver_uploads_total{result=\"busy\",server=\"pg\"} 1.0");
        assertLine(text, "walship_receiver_rejected_total{reason=\"other_system\",server=\"pg\"} 1.0");
        assertLine(text, "walship_receiver_rejected_total{reason=\"unauthorized\",server=\"pg\"} 1.0");
        assertLine(text, "walship_receiver_received_bytes_total{server=\"pg\"} 1.6777216E7");
        assertLine(text, "walship_receiver_stored_bytes_total{server=\"pg\"} 1048576.0");
        assertLine(text, "walship_receiver_last_stored_timestamp_seconds{server=\"pg\"} 1.7723664E9");
        assertLine(text, "walship_receiver_upload_duration_seconds_count{server=\"pg\"} 2");
        assertLine(text, "walship_receiver_upload_duration_seconds_bucket{server=\"pg\",le=\"0.01\"} 1");
        assertLine(text, "walship_receiver_upload_duration_seconds_bucket{server=\"pg\",le=\"0.05\"} 2");
    }

    @Test
    void aServerTheReceiverDoesNotHaveIsNoLabelOfItsOwn() {
        metrics.answered("../etc", Outcome.rejected(Rejection.UNKNOWN_SERVER, "no such server"), 1000);
        metrics.answered("someone-else", Outcome.rejected(Rejection.UNKNOWN_SERVER, "no such server"), 1000);
        metrics.rejected(ReceiverMetrics.UNKNOWN_SERVER, Rejection.PROTOCOL);

        String text = exposition();

        assertLine(text, "walship_receiver_rejected_total{reason=\"unknown_server\",server=\"(unknown)\"} 2.0");
        assertLine(text, "walship_receiver_rejected_total{reason=\"protocol\",server=\"(unknown)\"} 1.0");
        assertTrue(!text.contains("someone-else") && !text.contains("../etc"), text);
    }

    @Test
    void lockWaitsAndTlsFailuresAreCounted() {
        metrics.lockWaited("pg", TimeUnit.MICROSECONDS.toNanos(200));
        metrics.lockWaited("pg", TimeUnit.SECONDS.toNanos(60));
        metrics.tlsFailed("not_from_ca");
        metrics.tlsFailed("not_from_ca");
        metrics.tlsFailed("expired");

        String text = exposition();

        assertLine(text, "walship_receiver_lock_wait_seconds_bucket{server=\"pg\",le=\"0.001\"} 1");
        assertLine(text, "walship_receiver_lock_wait_seconds_bucket{server=\"pg\",le=\"30.0\"} 1");
        assertLine(text, "walship_receiver_lock_wait_seconds_bucket{server=\"pg\",le=\"60.0\"} 2");
        assertLine(text, "walship_receiver_tls_failures_total{cause=\"not_from_ca\"} 2.0");
        assertLine(text, "walship_receiver_tls_failures_total{cause=\"expired\"} 1.0");
    }

    @Test
    void openConnectionsAndUploadsAreWhatTheActivitySaysAtEachScrape() {
        metrics.watch(new ReceiverMetrics.Activity() {
            @Override
            public Map<String, Integer> connections() {
                return Map.of("pg1", 3, "pg2", 1);
            }

            @Override
            public Map<String, Integer> uploads() {
                return Map.of("pg1", 2);
            }
        });

        String text = exposition();

        assertLine(text, "walship_receiver_connections{client=\"pg1\"} 3.0");
        assertLine(text, "walship_receiver_connections{client=\"pg2\"} 1.0");
        assertLine(text, "walship_receiver_connections{client=\"pg3\"} 0.0");
        assertLine(text, "walship_receiver_uploads_in_progress{client=\"pg1\"} 2.0");
        assertLine(text, "walship_receiver_uploads_in_progress{client=\"pg2\"} 0.0");
        ReceiverStatus status = metrics.status();
        assertEquals(Map.of("pg1", 3L, "pg2", 1L, "pg3", 0L), status.connections());
        assertEquals(Map.of("pg1", 2L, "pg2", 0L, "pg3", 0L), status.uploadsInProgress());
    }

    @Test
    void theStatusIsTheSameFiguresByServer() {
        metrics.answered("pg", new Outcome(ReplyCode.STORED, "stored"), 1000);
        metrics.answered("pg", new Outcome(ReplyCode.CONFLICT, "different"), 1000);
        metrics.answered("pg2", Outcome.rejected(Rejection.CHECKSUM_MISMATCH, "damaged in transit"), 1000);
        metrics.received("pg", 300);
        metrics.stored("pg", 120);
        metrics.tlsFailed("expired");

        ReceiverStatus status = metrics.status();

        assertEquals(STARTED.toString(), status.started());
        assertEquals(List.of("pg", "pg2"), List.copyOf(status.servers().keySet()));
        ReceiverStatus.Server pg = status.servers().get("pg");
        assertEquals(Map.of("stored", 1L, "already_stored", 0L, "conflict", 1L, "rejected", 0L, "busy", 0L,
                "failed", 0L), pg.uploads());
        assertEquals(300, pg.receivedBytes());
        assertEquals(120, pg.storedBytes());
        assertEquals(STARTED.toString(), pg.lastStored());
        ReceiverStatus.Server pg2 = status.servers().get("pg2");
        assertEquals(Map.of("checksum_mismatch", 1L), pg2.rejected());
        assertNull(pg2.lastStored(), "nothing stored for pg2");
        assertEquals(Map.of("expired", 1L), status.tlsFailures());
    }

    private String exposition() {
        return PrometheusTextFormatWriter.create().toDebugString(metrics.registry().scrape());
    }

    private static void assertLine(String text, String line) {
        assertTrue(text.lines().anyMatch(line::equals), "expected the line '" + line + "' in\n" + text);
    }
}
