package io.walship.agent.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.logging.Logger;

/**
 * The file an upload reads, of the size its PUT announced: reads that fail when it shrank, a check at the end that
 * it did not grow (PostgreSQL is still writing it), and a close that cannot fail a push.
 */
final class SourceFile implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SourceFile.class.getName());

    private final Path path;
    private final FileChannel file;
    private final long size;

    SourceFile(Path path, long size) throws IOException {
        this.path = path;
        this.file = FileChannel.open(path, StandardOpenOption.READ);
        this.size = size;
    }

    /** Fills {@code dst} from {@code at} on. */
    void readFully(ByteBuffer dst, long at) throws IOException {
        long from = at - dst.position();
        while (dst.hasRemaining()) {
            if (file.read(dst, from + dst.position()) < 0) {
                throw new IOException(path + " shrank while it was being sent (expected " + size + " bytes)");
            }
        }
    }

    /** Once all {@link #size} bytes are read: nothing follows them. */
    void checkNotGrown() throws IOException {
        if (file.read(ByteBuffer.allocate(1), size) > 0) {
            throw new IOException(path + " grew while it was being sent; it is still being written");
        }
    }

    /** Closing a read-only file cannot lose data, so a failure to close is not worth a failed push. */
    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException e) {
            LOG.fine("closing " + path + ": " + e);
        }
    }
}
