package io.walship.agent.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.walship.wal.WalFileName;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackupLabelTest {

    /** As pg_basebackup of PostgreSQL 15 writes it. */
    private static final String LABEL = """
            START WAL LOCATION: 0/2000028 (file 000000010000000000000002)
            CHECKPOINT LOCATION: 0/2000060
            BACKUP METHOD: streamed
            BACKUP FROM: primary
            START TIME: 2026-12-01 21:53:10 UTC
            LABEL: pg_basebackup base backup
            START TIMELINE: 1
            """;

    @Test
    void theStartSegmentIsTheFileOfTheStartLocation() {
        assertEquals(Optional.of(WalFileName.parse("000000010000000000000002")), BackupLabel.startSegment(LABEL));
    }

    @Test
    void aLaterTimelineAndLogAreKept() {
        assertEquals(Optional.of(WalFileName.parse("0000000300000A1B000000FF")), BackupLabel.startSegment(
                "START WAL LOCATION: A1B/FF000028 (file 0000000300000A1B000000FF)\nSTART TIMELINE: 3\n"));
    }

    @Test
    void aTextWithoutTheLineSaysNothing() {
        assertEquals(Optional.empty(), BackupLabel.startSegment(""));
        assertEquals(Optional.empty(), BackupLabel.startSegment("CHECKPOINT LOCATION: 0/2000060\n"));
        assertEquals(Optional.empty(), BackupLabel.startSegment(
                "START WAL LOCATION: 0/2000028 (file 00000001000000000000002)\n"), "a name one digit short");
    }
}
