package io.walship.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WalPageHeaderTest {

    static final int MAGIC_15 = 0xD110;
    static final long SYSTEM_ID = 7301234567890123456L;
    static final long SIXTEEN_MIB = 16L << 20;

    /**
     * XLogLongPageHeaderData in little-endian order, written field by field: magic, info, tli, pageaddr,
     * rem_len, 4 pad bytes, sysid, seg_size, blcksz.
     */
    static byte[] header(int magic, int info, long timeline, long pageAddress, long systemId, long segmentSize,
            long blockSize) {
        ByteBuffer b = ByteBuffer.allocate(WalPageHeader.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) magic);
        b.putShort((short) info);
        b.putInt((int) timeline);
        b.putLong(pageAddress);
        b.putInt(0);
        b.put(new byte[4]);
        b.putLong(systemId);
        b.putInt((int) segmentSize);
        b.putInt((int) blockSize);
        assertEquals(WalPageHeader.SIZE, b.position());
        return b.array();
    }

    @Test
    void parsesEachField() {
        byte[] bytes = header(MAGIC_15, 0x0002, 1, 0x1_0A00_0000L, SYSTEM_ID, SIXTEEN_MIB, 8192);

        WalPageHeader header = WalPageHeader.parse(bytes);

        assertEquals(0xD110, header.magic());
        assertEquals(0x0002, header.info());
        assertEquals(1, header.timeline());
        assertEquals(0x1_0A00_0000L, header.pageAddress());
        assertEquals(SYSTEM_ID, header.systemId());
        assertEquals(SIXTEEN_MIB, header.segmentSize());
        assertEquals(8192, header.blockSize());
        assertEquals("7301234567890123456", header.systemIdString());
    }

    @Test
    void theLayoutIsLittleEndianAtTheDocumentedOffsets() {
        byte[] bytes = new byte[WalPageHeader.SIZE];
        bytes[0] = 0x10;
        bytes[1] = (byte) 0xD1;
        bytes[2] = 0x06;
        bytes[4] = 0x03;
        bytes[8 + 3] = 0x0A;                // pageaddr 0x0A000000
        bytes[8 + 4] = 0x01;                // + 1 << 32
        bytes[16] = 0x7F;                   // rem_len, ignored
        bytes[24] = 0x01;                   // sysid 1 + (2 << 56)
        bytes[31] = 0x02;
        bytes[32 + 2] = 0x00;               // seg_size 16 MiB = 0x01000000
        bytes[32 + 3] = 0x01;
        bytes[36 + 1] = 0x20;               // blcksz 8192 = 0x2000

        WalPageHeader header = WalPageHeader.parse(bytes);

        assertEquals(0xD110, header.magic());
        assertEquals(0x0006, header.info());
        assertEquals(3, header.timeline());
        assertEquals(0x1_0A00_0000L, header.pageAddress());
        assertEquals(1L + (2L << 56), header.systemId());
        assertEquals(SIXTEEN_MIB, header.segmentSize());
        assertEquals(8192, header.blockSize());
    }

    @Test
    void unsignedFieldsStayPositive() {
        byte[] bytes = header(0xFFFF, 0xFFFF, 0xFFFF_FFFFL, -1L, -1L, 0xFFFF_FFFFL, 0xFFFF_FFFFL);

        WalPageHeader header = WalPageHeader.parse(bytes);

        assertEquals(0xFFFF, header.magic());
        assertEquals(0xFFFF, header.info());
        assertEquals(0xFFFF_FFFFL, header.timeline());
        assertEquals(0xFFFF_FFFFL, header.segmentSize());
        assertEquals(0xFFFF_FFFFL, header.blockSize());
        assertEquals("18446744073709551615", header.systemIdString(), "the system identifier is a uint64");
    }

    @Test
    void onlyTheFirst40BytesCount() {
        byte[] bytes = Arrays.copyOf(header(MAGIC_15, 2, 1, 0, SYSTEM_ID, SIXTEEN_MIB, 8192), 8192);
        Arrays.fill(bytes, 40, bytes.length, (byte) 0xEE);

        assertEquals(WalPageHeader.parse(Arrays.copyOf(bytes, 40)), WalPageHeader.parse(bytes));
    }

    @Test
    void tooShort() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WalPageHeader.parse(new byte[39]));
        assertTrue(e.getMessage().contains("39"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
            "0xD106, 13",
            "0xD10D, 14",
            "0xD110, 15",
            "0xD113, 16",
            "0xD116, 17",
            "0xD105, ''",
            "0xD111, ''",
            "0x0000, ''",
    })
    void majorVersion(String magic, String version) {
        int value = Integer.decode(magic);

        assertEquals(version, WalPageHeader.parse(header(value, 2, 1, 0, SYSTEM_ID, SIXTEEN_MIB, 8192))
                .majorVersion());
    }
}
