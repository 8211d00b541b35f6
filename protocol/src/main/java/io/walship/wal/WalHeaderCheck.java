package io.walship.wal;

import java.util.Optional;

/** Checks a segment's first page header against its name and size; returns what is wrong, if anything. */
public final class WalHeaderCheck {

    private static final long MIN_SEGMENT = 1L << 20;
    /** The largest segments PostgreSQL makes (initdb --wal-segsize 1024). */
    public static final long MAX_SEGMENT = 1L << 30;

    private WalHeaderCheck() {
    }

    public static boolean isValidSegmentSize(long size) {
        return Long.bitCount(size) == 1 && size >= MIN_SEGMENT && size <= MAX_SEGMENT;
    }

    public static Optional<String> problem(WalFileName name, long fileSize, WalPageHeader header) {
        if ((header.magic() & 0xF000) != 0xD000) {
            return Optional.of(String.format("%s does not start with a WAL page header (magic 0x%04X); "
                    + "it is not a PostgreSQL WAL segment", name.name(), header.magic()));
        }
        if ((header.info() & WalPageHeader.LONG_HEADER) == 0) {
            return Optional.of(name.name() + "'s first page lacks the long header flag; the file is damaged "
                    + "or not the start of a segment");
        }
        if (!isValidSegmentSize(header.segmentSize()) || header.segmentSize() != fileSize) {
            return Optional.of(name.name() + " is " + fileSize + " bytes but its header says segments are "
                    + header.segmentSize() + " bytes; the file is truncated or damaged");
        }
        long blockSize = header.blockSize();
        if (Long.bitCount(blockSize) != 1 || blockSize < 1024 || blockSize > 65536) {
            return Optional.of(name.name() + " has an impossible WAL block size " + blockSize);
        }
        if (!name.fitsSegmentSize(header.segmentSize())) {
            return Optional.of(name.name() + " is not a valid name for " + header.segmentSize()
                    + "-byte segments");
        }
        long expected = name.startLsn(header.segmentSize());
        if (header.pageAddress() != expected) {
            return Optional.of(String.format("%s holds WAL of %X/%08X, but its name says %X/%08X; the file was "
                    + "renamed or damaged", name.name(), header.pageAddress() >>> 32, header.pageAddress() & 0xFFFFFFFFL,
                    expected >>> 32, expected & 0xFFFFFFFFL));
        }
        return Optional.empty();
    }
}
