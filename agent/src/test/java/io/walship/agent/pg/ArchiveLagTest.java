package io.walship.agent.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ArchiveLagTest {

    private static final long MIB16 = 16L << 20;

    @Test
    void caughtUpWhileTheNextSegmentIsBeingWritten() {
        // segment 5 archived, PostgreSQL writes in segment 6 (0/6001000)
        assertEquals(Optional.of(new ArchiveLag(0x1000, 0)),
                ArchiveLag.of(Optional.of("000000010000000000000005"), 0x6001000L, MIB16));
    }

    @Test
    void completeSegmentsWaitingAreCounted() {
        // segment 5 archived, 6 to 8 complete, writing in 9
        assertEquals(Optional.of(new ArchiveLag(3 * MIB16 + 0x20, 3)),
                ArchiveLag.of(Optional.of("000000010000000000000005"), 0x9000020L, MIB16));
    }

    @Test
    void acrossALogBoundary() {
        // 0000000100000000000000FF archived, writing in 00000001000000010000000[01]
        assertEquals(Optional.of(new ArchiveLag(MIB16 + 8, 1)),
                ArchiveLag.of(Optional.of("0000000100000000000000FF"), 0x1_0100_0008L, MIB16));
    }

    @Test
    void aBackupLabelAndAPartialCountAsTheirSegment() {
        assertEquals(Optional.of(new ArchiveLag(0x28, 0)),
                ArchiveLag.of(Optional.of("000000010000000000000005.00000028.backup"), 0x6000028L, MIB16));
        assertEquals(Optional.of(new ArchiveLag(0, 0)),
                ArchiveLag.of(Optional.of("000000010000000000000005.partial"), 0x6000000L, MIB16));
    }

    @Test
    void aHistoryFileOrNothingArchivedTellsNoLag() {
        assertEquals(Optional.empty(), ArchiveLag.of(Optional.of("00000002.history"), 0x6000000L, MIB16));
        assertEquals(Optional.empty(), ArchiveLag.of(Optional.empty(), 0x6000000L, MIB16));
    }

    @Test
    void otherSegmentSizes() {
        long mib1 = 1L << 20;
        assertEquals(Optional.of(new ArchiveLag(2 * mib1 + 1, 2)),
                ArchiveLag.of(Optional.of("000000010000000000000003"), 6 * mib1 + 1, mib1));
    }
}
