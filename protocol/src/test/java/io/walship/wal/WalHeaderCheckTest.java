package io.walship.wal;

import static io.walship.wal.WalPageHeaderTest.MAGIC_15;
import static io.walship.wal.WalPageHeaderTest.SIXTEEN_MIB;
import static io.walship.wal.WalPageHeaderTest.SYSTEM_ID;
import static io.walship.wal.WalPageHeaderTest.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WalHeaderCheckTest {

    private static final long MIB = 1L << 20;
    private static final WalFileName NAME = WalFileName.parse("00000001000000010000000A");
    /** Where 00000001000000010000000A starts with 16 MiB segments. */
    private static final long START = 0x1_0A00_0000L;

    private static WalPageHeader valid() {
        return WalPageHeader.parse(header(MAGIC_15, 0x0002, 1, START, SYSTEM_ID, SIXTEEN_MIB, 8192));
    }

    private static Optional<String> problem(WalFileName name, long fileSize, int magic, int info, long pageAddress,
            long segmentSize, long blockSize) {
        return WalHeaderCheck.problem(name, fileSize,
                WalPageHeader.parse(header(magic, info, 1, pageAddress, SYSTEM_ID, segmentSize, blockSize)));
    }

    private static String assertProblem(Optional<String> problem, String... fragments) {
        assertTrue(problem.isPresent(), "expected a problem");
        for (String fragment : fragments) {
            assertTrue(problem.get().contains(fragment), "'" + problem.get() + "' should mention '" + fragment + "'");
        }
        return problem.get();
    }

    @Test
    void aValidHeaderHasNoProblem() {
        assertEquals(Optional.empty(), WalHeaderCheck.problem(NAME, SIXTEEN_MIB, valid()));
    }

    @Test
    void aValidPartialSegmentHasNoProblem() {
        WalFileName partial = WalFileName.parse("00000001000000010000000A.partial");

        assertEquals(Optional.empty(), WalHeaderCheck.problem(partial, SIXTEEN_MIB, valid()));
    }

    @ParameterizedTest
    @ValueSource(ints = {0xD106, 0xD10D, 0xD110, 0xD113, 0xD116, 0xD118})
    void everyKnownMagicIsAccepted(int magic) {
        assertEquals(Optional.empty(), problem(NAME, SIXTEEN_MIB, magic, 2, START, SIXTEEN_MIB, 8192));
    }

    @Test
    void otherInfoFlagsBesideTheLongHeaderAreFine() {
        // XLP_FIRST_IS_CONTRECORD | XLP_LONG_HEADER | XLP_BKP_REMOVABLE
        assertEquals(Optional.empty(), problem(NAME, SIXTEEN_MIB, MAGIC_15, 0x0007, START, SIXTEEN_MIB, 8192));
    }

    @Test
    void validWith1MiBSegments() {
        WalFileName name = WalFileName.parse("000000010000000100000FFF");
        long start = 0x1_0000_0000L + 0xFFFL * MIB;

        assertEquals(Optional.empty(), problem(name, MIB, MAGIC_15, 2, start, MIB, 8192));
    }

    @Test
    void validWith1GiBSegmentsAnd32KiBBlocks() {
        WalFileName name = WalFileName.parse("000000010000000200000003");
        long start = 0x2_0000_0000L + 3 * (1L << 30);

        assertEquals(Optional.empty(), problem(name, 1L << 30, MAGIC_15, 2, start, 1L << 30, 32768));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x0000, 0x1234, 0x10D1, 0xE110, 0xC110, 0xFFFF})
    void wrongMagic(int magic) {
        assertProblem(problem(NAME, SIXTEEN_MIB, magic, 2, START, SIXTEEN_MIB, 8192),
                NAME.name(), String.format("0x%04X", magic), "not a PostgreSQL WAL segment");
    }

    @Test
    void compressedDataIsNotAHeader() {
        byte[] zstd = header(0xB528, 0xFD2F, 1, START, SYSTEM_ID, SIXTEEN_MIB, 8192);

        assertProblem(WalHeaderCheck.problem(NAME, SIXTEEN_MIB, WalPageHeader.parse(zstd)),
                "not a PostgreSQL WAL segment");
    }

    @ParameterizedTest
    @ValueSource(ints = {0x0000, 0x0001, 0x0004, 0x0005})
    void missingLongHeaderFlag(int info) {
        assertProblem(problem(NAME, SIXTEEN_MIB, MAGIC_15, info, START, SIXTEEN_MIB, 8192),
                NAME.name(), "long header");
    }

    @Test
    void segmentSizeDifferentFromFileSize() {
        assertProblem(problem(NAME, SIXTEEN_MIB - 1, MAGIC_15, 2, START, SIXTEEN_MIB, 8192),
                NAME.name(), String.valueOf(SIXTEEN_MIB - 1), String.valueOf(SIXTEEN_MIB));
        assertProblem(problem(NAME, 8 * MIB, MAGIC_15, 2, START, SIXTEEN_MIB, 8192), "truncated or damaged");
        assertProblem(problem(NAME, 32 * MIB, MAGIC_15, 2, START, SIXTEEN_MIB, 8192), "truncated or damaged");
    }

    @ParameterizedTest
    @ValueSource(longs = {3 * MIB, 24 * MIB, (16 * MIB) + 8192, 0})
    void segmentSizeNotAPowerOfTwo(long size) {
        WalFileName name = WalFileName.parse("000000010000000000000000");

        assertProblem(problem(name, size, MAGIC_15, 2, 0, size, 8192), name.name(), String.valueOf(size));
    }

    @ParameterizedTest
    @ValueSource(longs = {512 * 1024, 2L << 30})
    void segmentSizeOutOfRange(long size) {
        WalFileName name = WalFileName.parse("000000010000000000000000");

        assertProblem(problem(name, size, MAGIC_15, 2, 0, size, 8192), String.valueOf(size));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 512, 1000, 8191, 8193, 12288, 131072, 0xFFFF_FFFFL})
    void impossibleBlockSize(long blockSize) {
        assertProblem(problem(NAME, SIXTEEN_MIB, MAGIC_15, 2, START, SIXTEEN_MIB, blockSize),
                NAME.name(), "block size", String.valueOf(blockSize));
    }

    @ParameterizedTest
    @ValueSource(longs = {1024, 2048, 4096, 8192, 16384, 32768, 65536})
    void possibleBlockSizes(long blockSize) {
        assertEquals(Optional.empty(), problem(NAME, SIXTEEN_MIB, MAGIC_15, 2, START, SIXTEEN_MIB, blockSize));
    }

    @Test
    void pageAddressNotMatchingTheName() {
        String problem = assertProblem(problem(NAME, SIXTEEN_MIB, MAGIC_15, 2, START + SIXTEEN_MIB, SIXTEEN_MIB,
                8192), NAME.name(), "renamed or damaged");

        assertTrue(problem.contains("1/0B000000"), "names the LSN the file holds: " + problem);
        assertTrue(problem.contains("1/0A000000"), "names the LSN the name implies: " + problem);
    }

    @Test
    void aSegmentOfAnotherLogHasAnotherPageAddress() {
        assertProblem(problem(NAME, SIXTEEN_MIB, MAGIC_15, 2, 0x0A00_0000L, SIXTEEN_MIB, 8192), "renamed or damaged");
    }

    @Test
    void thePageAddressDependsOnTheSegmentSize() {
        // 00000001000000010000000A starts at 1/0A000000 with 16 MiB segments but at 1/00A00000 with 1 MiB ones.
        assertProblem(problem(NAME, MIB, MAGIC_15, 2, START, MIB, 8192), "renamed or damaged");
        assertEquals(Optional.empty(), problem(NAME, MIB, MAGIC_15, 2, 0x1_00A0_0000L, MIB, 8192));
    }

    @Test
    void nameNotFittingTheSegmentSize() {
        WalFileName name = WalFileName.parse("000000010000000000000100");

        String problem = assertProblem(problem(name, SIXTEEN_MIB, MAGIC_15, 2, 0x1_0000_0000L, SIXTEEN_MIB, 8192),
                name.name(), String.valueOf(SIXTEEN_MIB));
        assertFalse(problem.contains("renamed"), "the name itself is the problem: " + problem);
    }

    @Test
    void validSegmentSizes() {
        for (int shift = 20; shift <= 30; shift++) {
            assertTrue(WalHeaderCheck.isValidSegmentSize(1L << shift), "2^" + shift);
        }
        assertFalse(WalHeaderCheck.isValidSegmentSize(0));
        assertFalse(WalHeaderCheck.isValidSegmentSize(-SIXTEEN_MIB));
        assertFalse(WalHeaderCheck.isValidSegmentSize(1L << 19));
        assertFalse(WalHeaderCheck.isValidSegmentSize(1L << 31));
        assertFalse(WalHeaderCheck.isValidSegmentSize(SIXTEEN_MIB + 1));
        assertFalse(WalHeaderCheck.isValidSegmentSize(1000));
    }
}
