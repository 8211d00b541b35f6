package io.walship.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogFormatTest {

    private static final Instant WHEN = Instant.parse("2026-12-01T14:07:49.123456Z");

    private static LogRecord record(Level level, String message) {
        LogRecord record = new LogRecord(level, message);
        record.setInstant(WHEN);
        return record;
    }

    @Test
    void aLineIsTheTimeWithItsOffsetTheLevelAndTheMessage() {
        LogFormat utc = new LogFormat(ZoneId.of("UTC"));

        assertEquals("2026-12-01T14:07:49.123+00:00 INFO STORED pg1 -> pg/000000010000000000000005\n",
                utc.format(record(Level.INFO, "STORED pg1 -> pg/000000010000000000000005")));
        assertEquals("2026-12-01T14:07:49.123+00:00 WARNING refused\n", utc.format(record(Level.WARNING, "refused")));
    }

    @Test
    void theTimeIsInTheZoneOfTheHostWithItsOffset() {
        assertEquals("2026-12-01T15:07:49.123+01:00 SEVERE x\n",
                new LogFormat(ZoneId.of("Europe/Berlin")).format(record(Level.SEVERE, "x")));
        assertEquals("2026-12-01T19:37:49.123+05:30 INFO x\n",
                new LogFormat(ZoneId.of("Asia/Kolkata")).format(record(Level.INFO, "x")));
    }

    @Test
    void theTimeReadsBackAsIso8601() {
        String line = new LogFormat(ZoneId.of("America/New_York")).format(record(Level.INFO, "x"));

        OffsetDateTime time = OffsetDateTime.parse(line.substring(0, line.indexOf(' ')),
                DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        assertEquals(WHEN.toEpochMilli(), time.toInstant().toEpochMilli());
    }

    @Test
    void parametersAreFilledIn() {
        LogRecord record = record(Level.INFO, "server ''{0}'': {1} files");
        record.setParameters(new Object[] {"pg", 3});

        assertEquals("2026-12-01T14:07:49.123+00:00 INFO server 'pg': 3 files\n",
                new LogFormat(ZoneId.of("UTC")).format(record));
    }

    @Test
    void aLoggedExceptionFollowsItsLine() {
        LogRecord record = record(Level.SEVERE, "unexpected");
        record.setThrown(new IOException("disk gone"));

        List<String> lines = new LogFormat(ZoneId.of("UTC")).format(record).lines().toList();

        assertEquals("2026-12-01T14:07:49.123+00:00 SEVERE unexpected", lines.get(0));
        assertEquals("java.io.IOException: disk gone", lines.get(1));
        assertTrue(lines.get(2).strip().startsWith("at io.walship.cli.LogFormatTest"), lines.get(2));
    }
}
