package io.walship.receiver.store.barman;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;

/** Barman's WAL index of one server, and the flock that every reader and writer of it holds. */
public final class XlogDb {

    private static final Logger LOG = Logger.getLogger(XlogDb.class.getName());

    private final Path file;
    private final Path lockFile;
    private final Duration lockTimeout;
    private final ReentrantLock local = new ReentrantLock();

    public XlogDb(Path file, Path lockFile, Duration lockTimeout) {
        this.file = file;
        this.lockFile = lockFile;
        this.lockTimeout = lockTimeout;
    }

    public Path file() {
        return file;
    }

    /** A held lock; closing it releases it. */
    public interface Held extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /**
     * Takes Barman's lock; the caller must hold it around {@link #contains} and {@link #append}. Uploads of
     * this receiver queue on a JVM lock first, so a wait on the flock means another process holds it.
     */
    public Held lock() throws IOException {
        try {
            if (!local.tryLock(lockTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new IOException("timed out after " + lockTimeout.toSeconds() + " s waiting for other uploads "
                        + "to " + file);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the lock on " + file, e);
        }
        try {
            Flock flock = Flock.acquire(lockFile, lockTimeout, () -> LOG.info("waiting up to "
                    + lockTimeout.toSeconds() + " s for " + lockFile + ", held by another process (a barman "
                    + "command?)"));
            return () -> {
                try {
                    flock.close();
                } finally {
                    local.unlock();
                }
            };
        } catch (IOException | RuntimeException e) {
            local.unlock();
            throw e;
        }
    }

    public boolean contains(String name) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (XlogDbLine.nameOf(line).equals(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Appends and fsyncs one line; a new xlog.db also gets its directory entry synced. */
    public void append(XlogDbLine line) throws IOException {
        boolean created = !Files.exists(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer bytes = ByteBuffer.wrap(line.format().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        if (created) {
            Durable.syncDirectory(file.getParent());
        }
    }
}
