package io.walship.receiver.store.barman;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/** Reading the end of a file of text lines (xlog.db, the checksum file), whose last line a crash may have cut. */
final class LineFiles {

    private LineFiles() {
    }

    /** Where the last whole line ends: after the last newline, searched backwards block by block. */
    static long wholeLinesEnd(FileChannel channel, long size) throws IOException {
        long end = size;
        while (end > 0) {
            byte[] block = tail(channel, end);
            int newline = lastIndexOf(block, (byte) '\n');
            if (newline >= 0) {
                return end - block.length + newline + 1;
            }
            if (block.length == 0) {
                break;
            }
            end -= block.length;
        }
        return 0;
    }

    /** Up to 4 KiB before {@code end}: the index can hold many thousand lines, its last one is at the end. */
    static byte[] tail(FileChannel channel, long end) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(end, 4096));
        long position = end - bytes.capacity();
        int read;
        do {
            read = channel.read(bytes, position + bytes.position());
        } while (read >= 0 && bytes.hasRemaining());
        return Arrays.copyOf(bytes.array(), bytes.position());
    }

    private static int lastIndexOf(byte[] bytes, byte value) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
