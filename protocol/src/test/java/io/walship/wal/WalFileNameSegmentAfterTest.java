package io.walship.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The read-ahead walks segments with {@link WalFileName#segmentAfter}; the log boundary depends on the size. */
class WalFileNameSegmentAfterTest {

    private static final long MIB = 1L << 20;
    private static final long SIXTEEN_MIB = 16 * MIB;

    @Test
    void sixteenMibSegmentsCrossIntoTheNextLogAfterFf() {
        WalFileName last = WalFileName.parse("0000000100000000000000FF");

        WalFileName next = last.segmentAfter(SIXTEEN_MIB, 1);

        assertSegment("000000010000000100000000", 1, 1, 0, next);
    }

    @Test
    void sixteenMibSegmentsStayInTheirLogBeforeFf() {
        assertSegment("0000000100000000000000FF", 1, 0, 0xFF,
                WalFileName.parse("0000000100000000000000FE").segmentAfter(SIXTEEN_MIB, 1));
    }

    @Test
    void oneMibSegmentsCountTo0xFffBeforeTheNextLog() {
        // 4096 segments of 1 MiB per 4 GiB log: 0x100 is an ordinary segment, 0xFFF the last one.
        assertSegment("000000010000000000000100", 1, 0, 0x100,
                WalFileName.parse("0000000100000000000000FF").segmentAfter(MIB, 1));
        assertSegment("000000010000000100000000", 1, 1, 0,
                WalFileName.parse("000000010000000000000FFF").segmentAfter(MIB, 1));
    }

    @Test
    void oneGibSegmentsHaveFourPerLog() {
        assertSegment("000000010000000600000000", 1, 6, 0,
                WalFileName.parse("000000010000000500000003").segmentAfter(1L << 30, 1));
    }

    @Test
    void countZeroIsTheSegmentItself() {
        WalFileName name = WalFileName.parse("000000030000000A0000001C");

        assertSegment("000000030000000A0000001C", 3, 0xA, 0x1C, name.segmentAfter(SIXTEEN_MIB, 0));
    }

    @ParameterizedTest
    @ValueSource(longs = {1L << 20, 1L << 24, 1L << 26, 1L << 30})
    void consecutiveCountsWalkOneSegmentAtATime(long segmentSize) {
        long perLog = 0x1_0000_0000L / segmentSize;
        WalFileName start = WalFileName.parse(String.format("00000001%08X%08X", 7, perLog - 3));
        long startNumber = 7 * perLog + perLog - 3;

        for (int count = 0; count <= 300; count++) {
            long number = startNumber + count;
            String expected = String.format("00000001%08X%08X", number / perLog, number % perLog);
            WalFileName after = start.segmentAfter(segmentSize, count);
            assertSegment(expected, 1, number / perLog, number % perLog, after);
            assertEquals(after, start.segmentAfter(segmentSize, count - 1L).segmentAfter(segmentSize, 1),
                    "count " + count + " must equal count-1 plus one");
            assertTrue(after.fitsSegmentSize(segmentSize), after.name());
            assertEquals(start.startLsn(segmentSize) + count * segmentSize, after.startLsn(segmentSize),
                    "start LSN of " + after.name());
        }
    }

    @Test
    void timelineIsKept() {
        WalFileName name = WalFileName.parse("0000002A00000003000000FF");

        WalFileName next = name.segmentAfter(SIXTEEN_MIB, 2);

        assertSegment("0000002A0000000400000001", 0x2A, 4, 1, next);
    }

    @Test
    void theNextNameIsUpperCase() {
        assertSegment("0000000100000000000000AB", 1, 0, 0xAB,
                WalFileName.parse("0000000100000000000000AA").segmentAfter(SIXTEEN_MIB, 1));
    }

    @Test
    void aPartialSegmentIsFollowedByAFullSegment() {
        WalFileName partial = WalFileName.parse("000000010000000000000005.partial");

        assertSegment("000000010000000000000006", 1, 0, 6, partial.segmentAfter(SIXTEEN_MIB, 1));
    }

    @Test
    void historyFilesHaveNoNextSegment() {
        WalFileName history = WalFileName.parse("00000002.history");

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> history.segmentAfter(SIXTEEN_MIB, 1));
        assertTrue(e.getMessage().contains("00000002.history"), e.getMessage());
    }

    @Test
    void backupLabelsHaveNoNextSegment() {
        WalFileName backup = WalFileName.parse("000000010000000000000002.00000028.backup");

        assertThrows(IllegalStateException.class, () -> backup.segmentAfter(SIXTEEN_MIB, 1));
    }

    private static void assertSegment(String name, long timeline, long log, long segment, WalFileName actual) {
        assertEquals(new WalFileName(name, WalFileName.Kind.SEGMENT, timeline, log, segment), actual);
        assertEquals(actual, WalFileName.parse(name), "the computed name must parse back to itself");
    }
}
