package io.walship.receiver.store.barman;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.walship.receiver.compress.Compression;
import io.walship.receiver.config.BarmanServer;
import io.walship.receiver.config.ServerDirectories;
import io.walship.receiver.config.XlogDbGeneration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What walship receiver-status reads of a server's xlog.db. */
class IndexSummaryTest {

    private static final Instant MIDNIGHT = Instant.parse("2026-03-01T00:00:00Z");

    @TempDir
    Path home;
    private BarmanServer server;

    @BeforeEach
    void server() throws IOException {
        server = new BarmanServer("pg", Set.of("pg1"), Compression.ZSTD, "test",
                ServerDirectories.defaults(home, "pg"), XlogDbGeneration.SERVER_XLOG_DB_WHEN_PRESENT);
        Files.createDirectories(server.walsXlogDb().getParent());
    }

    @Test
    void theLastLineIsTheNewestFileAndTodayCountsTheLinesTimedSinceMidnight() throws IOException {
        Files.writeString(server.walsXlogDb(), """
                00000001.history\t42\t1772236800.0\tNone
                000000010000000000000001\t1000\t1772323199.999\tzstd
                000000010000000000000002\t2000\t1772323200.0\tzstd
                000000010000000000000002.00000028.backup\t300\t1772330000.5\tzstd
                000000010000000000000003\t4000\t1772340000.25\tzstd
                """);

        IndexSummary summary = IndexSummary.read(server, MIDNIGHT);

        assertEquals(server.walsXlogDb(), summary.index());
        assertEquals(Optional.of("000000010000000000000003"), summary.lastName());
        assertEquals(Optional.of(Instant.parse("2026-03-01T04:40:00.250Z")), summary.lastTime());
        assertEquals(3, summary.filesSince(), "from midnight on, the second before it not");
        assertEquals(6300, summary.storedBytesSince());
    }

    @Test
    void aLastLineWithoutItsNewlineIsNotTaken() throws IOException {
        Files.writeString(server.walsXlogDb(), "000000010000000000000002\t2000\t1772323200.0\tzstd\n"
                + "000000010000000000000003\t40");

        IndexSummary summary = IndexSummary.read(server, MIDNIGHT);

        assertEquals(Optional.of("000000010000000000000002"), summary.lastName());
        assertEquals(1, summary.filesSince());
    }

    @Test
    void barmans313IndexIsReadOnceItExists() throws IOException {
        Files.writeString(server.walsXlogDb(), "000000010000000000000002\t2000\t1772323200.0\tzstd\n");
        Files.createDirectories(server.serverXlogDb().getParent());
        Files.writeString(server.serverXlogDb(), "000000010000000000000009\t2000\t1772323200.0\tzstd\n");

        IndexSummary summary = IndexSummary.read(server, MIDNIGHT);

        assertEquals(server.serverXlogDb(), summary.index());
        assertEquals(Optional.of("000000010000000000000009"), summary.lastName());
    }

    @Test
    void noIndexYetListsNothing() throws IOException {
        assertEquals(new IndexSummary(server.walsXlogDb(), Optional.empty(), Optional.empty(), 0, 0),
                IndexSummary.read(server, MIDNIGHT));
    }
}
