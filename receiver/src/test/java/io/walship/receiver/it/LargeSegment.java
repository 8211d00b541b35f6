package io.walship.receiver.it;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A first segment as a cluster made with {@code initdb --wal-segsize=1024} has it: a real segment's long page
 * header with 1 GiB as its size, then zeros. Big enough that a push of it takes seconds, so it can be killed
 * mid-transfer without a race; sparse, so it costs no disk.
 */
final class LargeSegment {

    static final long SIZE = 1L << 30;
    /** Segment 1 of log 0 on timeline 1, which starts at 1 GiB. */
    static final String NAME = "000000010000000000000001";

    private static final int PAGE_ADDRESS = 8;
    private static final int SEGMENT_SIZE = 32;
    private static final int HEADER = 40;
    private static final int CHUNK = 1 << 20;

    private LargeSegment() {
    }

    /** Writes {@link #NAME} into {@code dir}, with the magic, block size and system of {@code realSegment}. */
    static Path write(Path dir, Path realSegment) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel in = FileChannel.open(realSegment)) {
            in.read(header, 0);
        }
        header.putLong(PAGE_ADDRESS, SIZE).putInt(SEGMENT_SIZE, (int) SIZE).rewind();
        Path file = dir.resolve(NAME);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            out.write(header);
            out.write(ByteBuffer.wrap(new byte[1]), SIZE - 1);
        }
        return file;
    }

    /**
     * Where the zstd-compressed {@code stored} first differs from {@code original}, streamed (a gigabyte does not
     * fit the test's heap twice); empty when they are the same.
     */
    static String mismatch(Path original, Path stored) throws IOException {
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(stored)) {
            in.readNBytes(magic, 0, magic.length);
        }
        if (StoredCodec.sniff(magic) != StoredCodec.ZSTD) {
            return stored + " is not zstd-compressed (starts with " + Arrays.toString(magic) + ")";
        }
        try (InputStream a = new BufferedInputStream(Files.newInputStream(original), CHUNK);
                InputStream b = new ZstdInputStream(new BufferedInputStream(Files.newInputStream(stored), CHUNK))) {
            byte[] left = new byte[CHUNK];
            byte[] right = new byte[CHUNK];
            for (long offset = 0; ; offset += CHUNK) {
                int l = a.readNBytes(left, 0, CHUNK);
                int r = b.readNBytes(right, 0, CHUNK);
                int at = Arrays.mismatch(left, 0, l, right, 0, r);
                if (at >= 0) {
                    return stored + " decompresses to bytes that differ from " + original + " at offset "
                            + (offset + at) + (l != r ? " (one of them ends there)" : "");
                }
                if (l < CHUNK) {
                    return "";
                }
            }
        }
    }
}
