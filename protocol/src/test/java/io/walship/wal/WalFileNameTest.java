package io.walship.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.wal.WalFileName.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WalFileNameTest {

    private static final long MIB = 1L << 20;
    private static final long SIXTEEN_MIB = 16 * MIB;

    // ---- the four kinds ----

    @Test
    void segment() {
        WalFileName name = WalFileName.parse("000000010000000000000001");

        assertEquals("000000010000000000000001", name.name());
        assertEquals(Kind.SEGMENT, name.kind());
        assertEquals(1, name.timeline());
        assertEquals(0, name.log());
        assertEquals(1, name.segment());
        assertTrue(name.kind().hasWalHeader());
    }

    @Test
    void partialSegment() {
        WalFileName name = WalFileName.parse("000000010000000000000001.partial");

        assertEquals("000000010000000000000001.partial", name.name());
        assertEquals(Kind.PARTIAL, name.kind());
        assertEquals(1, name.timeline());
        assertEquals(0, name.log());
        assertEquals(1, name.segment());
        assertTrue(name.kind().hasWalHeader());
    }

    @Test
    void backupLabel() {
        WalFileName name = WalFileName.parse("000000010000000000000002.00000028.backup");

        assertEquals("000000010000000000000002.00000028.backup", name.name());
        assertEquals(Kind.BACKUP, name.kind());
        assertEquals(1, name.timeline());
        assertEquals(0, name.log());
        assertEquals(2, name.segment());
        assertFalse(name.kind().hasWalHeader());
    }

    @Test
    void timelineHistory() {
        WalFileName name = WalFileName.parse("00000002.history");

        assertEquals("00000002.history", name.name());
        assertEquals(Kind.HISTORY, name.kind());
        assertEquals(2, name.timeline());
        assertEquals(0, name.log());
        assertEquals(0, name.segment());
        assertFalse(name.kind().hasWalHeader());
    }

    @Test
    void eachPartIsReadAsHexadecimal() {
        WalFileName name = WalFileName.parse("0000000A0000001F000000FE");

        assertEquals(10, name.timeline());
        assertEquals(0x1F, name.log());
        assertEquals(0xFE, name.segment());
    }

    @Test
    void theLargestValuesAreUnsigned() {
        WalFileName name = WalFileName.parse("FFFFFFFFFFFFFFFFFFFFFFFF");

        assertEquals(0xFFFF_FFFFL, name.timeline());
        assertEquals(0xFFFF_FFFFL, name.log());
        assertEquals(0xFFFF_FFFFL, name.segment());
        assertEquals(0xFFFF_FFFFL, WalFileName.parse("FFFFFFFF.history").timeline());
    }

    /** PostgreSQL writes upper case only: the same name in lower case would be a second copy of the same WAL. */
    @ParameterizedTest
    @ValueSource(strings = {"0000000a0000000b000000fe", "0000000A0000000B000000Fe", "0000000a0000000b000000fe.partial",
            "0000000A0000000B000000FE.000000ff.backup", "0000000a.history"})
    void lowerCaseHexIsRefusedWithAMessageThatSaysSo(String name) {
        assertFalse(WalFileName.isValid(name), name);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WalFileName.parse(name));
        assertTrue(e.getMessage().contains("lower-case") && e.getMessage().contains("upper case"), e.getMessage());
        assertTrue(WalFileName.isBarmanName(name), "Barman's own pattern takes it, and indexes it where it finds it");
    }

    @ParameterizedTest
    @ValueSource(strings = {"000000010000000000000001", "0000000A0000000B000000FE.000000FF.backup",
            "0000000A.history"})
    void barmanTakesEveryValidName(String name) {
        assertTrue(WalFileName.isBarmanName(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"000000010000000000000001", "000000010000000000000001.partial",
            "000000010000000000000002.00000028.backup", "00000002.history"})
    void validNamesAreValid(String name) {
        assertTrue(WalFileName.isValid(name));
    }

    // ---- rejections ----

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "00000001000000000000001",                     // 23 hex digits
            "0000000100000000000000011",                   // 25 hex digits
            "../x",
            "..",
            "/000000010000000000000001",
            "x/000000010000000000000001",
            "00000001/0000000000000001",
            "000000010000000000000001/",
            "000000010000000000000001.history",            // .history belongs to 8 hex digits only
            "0000000100000000.history",
            "00000001.partial",
            "00000001.00000028.backup",
            "000000010000000000000001.gz",                 // unknown suffix
            "000000010000000000000001.zst",
            "000000010000000000000001.partial.gz",
            "000000010000000000000001.backup",             // backup without the offset
            "000000010000000000000002.0000028.backup",     // offset with 7 digits
            "000000010000000000000002.00000028.backupx",
            "000000010000000000000001.",
            "00000001000000000000000G",                    // not hex
            " 000000010000000000000001",
            "000000010000000000000001 ",
            "000000010000000000000001\n",
            "00000002.HISTORY",
            "000000010000000000000001.PARTIAL",
    })
    void rejected(String name) {
        assertFalse(WalFileName.isValid(name), name);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WalFileName.parse(name));
        assertTrue(e.getMessage().contains("is not a WAL file name"), e.getMessage());
    }

    @Test
    void theMessageOfARejectedNameIsPrintable() {
        String hostile = "0000000100\u001b[2J00000000\r\n0001\u0000\u0007";

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WalFileName.parse(hostile));

        assertTrue(e.getMessage().chars().noneMatch(Character::isISOControl),
                "control characters must not reach a log or terminal: " + e.getMessage().replaceAll("\\p{Cntrl}", "^"));
        assertTrue(e.getMessage().contains("0000000100?[2J00000000??0001??"), e.getMessage());
    }

    @Test
    void aVeryLongRejectedNameIsShortenedInTheMessage() {
        String longName = "0".repeat(10_000);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WalFileName.parse(longName));

        assertTrue(e.getMessage().length() < 400, e.getMessage());
        assertTrue(e.getMessage().contains("0".repeat(80) + "..."), e.getMessage());
    }

    // ---- LSNs and segment sizes ----

    @Test
    void startLsnWith16MiBSegments() {
        assertEquals(0x1_0A00_0000L, WalFileName.parse("00000001000000010000000A").startLsn(SIXTEEN_MIB));
        assertEquals(0L, WalFileName.parse("000000010000000000000000").startLsn(SIXTEEN_MIB));
        assertEquals(0x0100_0000L, WalFileName.parse("000000010000000000000001").startLsn(SIXTEEN_MIB));
        assertEquals(0xFF00_0000L, WalFileName.parse("0000000100000000000000FF").startLsn(SIXTEEN_MIB));
        assertEquals(0x1_0000_0000L, WalFileName.parse("000000010000000100000000").startLsn(SIXTEEN_MIB));
        assertEquals(0x1_0A00_0000L, WalFileName.parse("00000007000000010000000A.partial").startLsn(SIXTEEN_MIB),
                "the timeline plays no part in the LSN");
    }

    @Test
    void startLsnWith1MiBSegments() {
        assertEquals(0x1_00A0_0000L, WalFileName.parse("00000001000000010000000A").startLsn(MIB));
        assertEquals(0xFFF0_0000L, WalFileName.parse("000000010000000000000FFF").startLsn(MIB));
        assertEquals(0x2_0000_0000L + 0x0010_0000L, WalFileName.parse("000000010000000200000001").startLsn(MIB));
    }

    @Test
    void startLsnWith1GiBSegments() {
        assertEquals(0x3_C000_0000L, WalFileName.parse("000000010000000300000003").startLsn(1L << 30));
    }

    @Test
    void fitsSegmentSize() {
        assertTrue(WalFileName.parse("0000000100000000000000FF").fitsSegmentSize(SIXTEEN_MIB));
        assertFalse(WalFileName.parse("000000010000000000000100").fitsSegmentSize(SIXTEEN_MIB));
        assertTrue(WalFileName.parse("000000010000000000000100").fitsSegmentSize(MIB));
        assertTrue(WalFileName.parse("000000010000000000000FFF").fitsSegmentSize(MIB));
        assertFalse(WalFileName.parse("000000010000000000001000").fitsSegmentSize(MIB));
        assertTrue(WalFileName.parse("000000010000000000000003").fitsSegmentSize(1L << 30));
        assertFalse(WalFileName.parse("000000010000000000000004").fitsSegmentSize(1L << 30));
        assertFalse(WalFileName.parse("0000000100000000FFFFFFFF").fitsSegmentSize(MIB));
    }
}
