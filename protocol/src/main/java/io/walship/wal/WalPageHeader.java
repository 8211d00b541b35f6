package io.walship.wal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * XLogLongPageHeaderData, the first 40 bytes of every WAL segment (access/xlog_internal.h), in the
 * byte order of the x86/ARM servers walship supports (little-endian).
 */
public record WalPageHeader(int magic, int info, long timeline, long pageAddress, long systemId, long segmentSize,
        long blockSize) {

    public static final int SIZE = 40;
    /** XLP_LONG_HEADER: set on the first page of a segment. */
    public static final int LONG_HEADER = 0x0002;

    public static WalPageHeader parse(byte[] bytes) {
        if (bytes.length < SIZE) {
            throw new IllegalArgumentException("a WAL page header needs " + SIZE + " bytes, got " + bytes.length);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int magic = Short.toUnsignedInt(b.getShort(0));
        int info = Short.toUnsignedInt(b.getShort(2));
        long timeline = Integer.toUnsignedLong(b.getInt(4));
        long pageAddress = b.getLong(8);
        long systemId = b.getLong(24);
        long segmentSize = Integer.toUnsignedLong(b.getInt(32));
        long blockSize = Integer.toUnsignedLong(b.getInt(36));
        return new WalPageHeader(magic, info, timeline, pageAddress, systemId, segmentSize, blockSize);
    }

    public String systemIdString() {
        return Long.toUnsignedString(systemId);
    }

    /** The PostgreSQL major version that writes this XLOG_PAGE_MAGIC, or empty when unknown. */
    public String majorVersion() {
        return switch (magic) {
            case 0xD106 -> "13";
            case 0xD10D -> "14";
            case 0xD110 -> "15";
            case 0xD113 -> "16";
            case 0xD116 -> "17";
            default -> "";
        };
    }
}
