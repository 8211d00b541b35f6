package io.walship.receiver.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.walship.cli.StatusJson;
import io.walship.receiver.metrics.ReceiverMetrics;
import io.walship.receiver.metrics.ReceiverStatus;
import io.walship.receiver.store.s3.BucketSummary;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The report of walship receiver-status, for people and as JSON. */
class StatusReportTest {

    private static final String SOCKET = "/var/lib/barman/.walship-receiver.sock";

    private final Map<String, StatusReport.Archive> archive = new LinkedHashMap<>(Map.of(
            "pg", new StatusReport.Archive("/var/lib/barman/pg/wals/xlog.db", "000000010000000000000007",
                    "2026-03-01T11:58:02.137Z", "2026-03-01", 7, 5_452_595)));

    @Test
    void aRunningReceiverAndItsServers() {
        archive.put("empty", new StatusReport.Archive("/var/lib/barman/empty/wals/xlog.db", null, null,
                "2026-03-01", 0, 0));
        String text = StatusText.of(new StatusReport(SOCKET, running(), archive));

        assertEquals("""
                receiver: running since 2026-03-01T08:00:00Z
                  connections: pg1 2
                  uploads under way: none
                  TLS failures: not_from_ca 1
                server 'pg'
                  newest in xlog.db: 000000010000000000000007 (2026-03-01T11:58:02.137Z), /var/lib/barman/pg/wals/xlog.db
                  today (2026-03-01): 7 files, 5.2 MiB stored
                  since the receiver started: 5 stored, 1 already stored, 0 conflicting, 2 rejected (bad_name 1, \
                unauthorized 1), 0 busy, 0 failed
                    80.0 MiB received, 3.9 MiB stored, last stored 2026-03-01T11:58:03.001Z
                server 'empty'
                  newest in xlog.db: nothing yet, /var/lib/barman/empty/wals/xlog.db
                  today (2026-03-01): 0 files, 0 bytes stored
                requests naming no server of this receiver, or none: 1 rejected (protocol 1)
                """, text);
    }

    @Test
    void withoutAReceiverTheArchivesStillShow() {
        assertEquals("""
                receiver: not running (nothing answers on /var/lib/barman/.walship-receiver.sock)
                server 'pg'
                  newest in xlog.db: 000000010000000000000007 (2026-03-01T11:58:02.137Z), /var/lib/barman/pg/wals/xlog.db
                  today (2026-03-01): 7 files, 5.2 MiB stored
                """, StatusText.of(new StatusReport(SOCKET, null, archive)));
    }

    @Test
    void theJsonHasSnakeCaseKeysAndTheReceiverAsItAnswered() throws Exception {
        JsonNode json = StatusJson.MAPPER.readTree(StatusJson.MAPPER.writeValueAsString(
                new StatusReport(SOCKET, running(), archive)));

        assertEquals(SOCKET, json.get("status_socket").asText());
        assertEquals(5, json.at("/receiver/servers/pg/uploads/stored").asLong());
        assertEquals(83_886_080, json.at("/receiver/servers/pg/received_bytes").asLong());
        assertEquals(1, json.at("/receiver/servers/(unknown)/rejected/protocol").asLong());
        assertEquals(2, json.at("/receiver/connections/pg1").asLong());
        assertEquals(0, json.at("/receiver/uploads_in_progress").size());
        assertEquals("000000010000000000000007", json.at("/archive/pg/newest_file").asText());
        assertEquals(7, json.at("/archive/pg/files_today").asLong());
        assertEquals(running(), StatusJson.MAPPER.treeToValue(json.get("receiver"), ReceiverStatus.class),
                "what the socket serves reads back as it was");
    }

    @Test
    void noReceiverIsNullInTheJson() throws Exception {
        JsonNode json = StatusJson.MAPPER.readTree(StatusJson.MAPPER.writeValueAsString(
                new StatusReport(SOCKET, null, archive)));

        assertEquals(true, json.get("receiver").isNull());
        assertEquals(5_452_595, json.at("/archive/pg/stored_bytes_today").asLong());
    }

    @Test
    void aBucketServerShowsTheNewestObjectOfItsListing() {
        Map<String, StatusReport.Archive> bucket = Map.of("pg-cloud", StatusReport.Archive.of(new BucketSummary(
                "s3://wal-archive/prod/pg-cloud/wals/", Optional.of("000000010000000000000009"),
                Optional.of(Instant.parse("2026-03-01T11:58:02.137512Z")), 2, 81_920), LocalDate.parse("2026-03-01")));

        assertEquals("""
                receiver: not running (nothing answers on /var/lib/barman/.walship-receiver.sock)
                server 'pg-cloud'
                  newest in the bucket: 000000010000000000000009 (2026-03-01T11:58:02.137Z), \
                s3://wal-archive/prod/pg-cloud/wals/
                  today (2026-03-01): 2 files, 80.0 KiB stored
                """, StatusText.of(new StatusReport(SOCKET, null, bucket)));
    }

    @Test
    void bytesAreExactBelowAKibibyteAndRoundedAbove() {
        assertEquals("0 bytes", StatusText.bytes(0));
        assertEquals("1023 bytes", StatusText.bytes(1023));
        assertEquals("1.0 KiB", StatusText.bytes(1024));
        assertEquals("16.0 MiB", StatusText.bytes(16 << 20));
        assertEquals("1.5 GiB", StatusText.bytes(3L << 29));
    }

    private static ReceiverStatus running() {
        Map<String, ReceiverStatus.Server> servers = new TreeMap<>();
        servers.put("pg", new ReceiverStatus.Server(new TreeMap<>(Map.of("stored", 5L, "already_stored", 1L,
                "conflict", 0L, "rejected", 1L, "busy", 0L, "failed", 0L)),
                new TreeMap<>(Map.of("bad_name", 1L, "unauthorized", 1L)), 80L << 20, 4_089_446,
                "2026-03-01T11:58:03.001Z"));
        servers.put(ReceiverMetrics.UNKNOWN_SERVER, new ReceiverStatus.Server(Map.of(), Map.of("protocol", 1L), 0, 0,
                null));
        return new ReceiverStatus("2026-03-01T08:00:00Z", servers, Map.of("pg1", 2L), Map.of(),
                Map.of("not_from_ca", 1L));
    }
}
