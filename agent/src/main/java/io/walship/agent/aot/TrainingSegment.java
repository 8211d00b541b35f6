package io.walship.agent.aot;

import io.walship.wal.WalFileName;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A fake but valid WAL segment for the training run: the 40-byte long page header of PostgreSQL 15
 * (XLogLongPageHeaderData, little-endian) for the segment's name, then zeros. Enough for every check
 * push and fetch make; no PostgreSQL would replay it.
 */
final class TrainingSegment {

    static final long SIZE = 16L << 20;
    static final int BLOCK_SIZE = 8192;
    static final int MAGIC_PG15 = 0xD110;
    static final int LONG_HEADER = 0x0002;
    static final long SYSTEM_ID = 7_300_000_000_000_000_001L;

    private TrainingSegment() {
    }

    /** The header of segment {@code name} in a cluster with 16 MiB segments. */
    static ByteBuffer header(WalFileName name) {
        ByteBuffer header = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        header.putShort((short) MAGIC_PG15)          // xlp_magic
                .putShort((short) LONG_HEADER)      // xlp_info
                .putInt((int) name.timeline())      // xlp_tli
                .putLong(name.startLsn(SIZE))       // xlp_pageaddr
                .putInt(0)                          // xlp_rem_len
                .putInt(0)                          // padding
                .putLong(SYSTEM_ID)                 // xlp_sysid
                .putInt((int) SIZE)                 // xlp_seg_size
                .putInt(BLOCK_SIZE);                // xlp_xlog_blcksz
        return header.flip();
    }

    /** Writes segment {@code name} to {@code file}: the header, then zeros up to 16 MiB. */
    static void write(WalFileName name, Path file) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer header = header(name);
            while (header.hasRemaining()) {
                out.write(header);
            }
            ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
            long position = out.position();
            while (position < SIZE) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), SIZE - position));
                position += out.write(zeros, position);
            }
        }
    }
}
