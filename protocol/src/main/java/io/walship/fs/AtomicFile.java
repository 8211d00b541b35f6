package io.walship.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A small file replaced whole: written beside it under {@link #tempOf its temp name}, then renamed over it, so
 * that a reader finds the old content or the new one, never a part. The temp name starts with a dot, which
 * Barman and every reader of walship's spool pass over.
 */
public final class AtomicFile {

    private AtomicFile() {
    }

    /** For files whose loss in a crash is harmless: a reader only ever sees a whole one. */
    public static void replace(Path file, byte[] content) throws IOException {
        write(file, content, false);
    }

    /** As {@link #replace}, and on disk once it returns: the file is synced before the rename, its directory after. */
    public static void replaceDurably(Path file, byte[] content) throws IOException {
        write(file, content, true);
    }

    /** {@code .NAME.tmp} beside {@code file}. */
    public static Path tempOf(Path file) {
        return file.resolveSibling("." + file.getFileName() + ".tmp");
    }

    private static void write(Path file, byte[] content, boolean durable) throws IOException {
        Path temp = tempOf(file);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            Durable.writeFully(channel, ByteBuffer.wrap(content));
            if (durable) {
                channel.force(true);
            }
        } catch (IOException e) {
            // A full disk: the old file stays as it was, and no half-written temp file takes up its space.
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (durable) {
            Durable.syncDirectory(file.toAbsolutePath().getParent());
        }
    }
}
