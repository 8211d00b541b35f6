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

/**
 * Barman's WAL index of one server, and the flock that every reader and writer of it holds. Which file that is
 * depends on the Barman release (see {@link XlogDbGeneration}) and, for Barman 3.13 and later, on whether Barman
 * has created its per-server file yet; so it is decided anew under the lock on every access.
 */
public final class XlogDb {

    private static final Logger LOG = Logger.getLogger(XlogDb.class.getName());

    private final Path walsFile;
    private final Path serverFile;
    private final Path lockFile;
    private final Duration lockTimeout;
    private final XlogDbGeneration generation;
    private final ReentrantLock local = new ReentrantLock();
    /** Guarded by {@link #local}. */
    private boolean onServerFile;

    /**
     * @param walsFile {@code <wals_directory>/xlog.db}
     * @param serverFile {@code <xlogdb_directory>/<server>-xlog.db}
     */
    public XlogDb(Path walsFile, Path serverFile, Path lockFile, Duration lockTimeout, XlogDbGeneration generation) {
        this.walsFile = walsFile;
        this.serverFile = serverFile;
        this.lockFile = lockFile;
        this.lockTimeout = lockTimeout;
        this.generation = generation;
    }

    /** The file Barman reads now; call it while holding the lock, since Barman may create or delete files. */
    public Path file() {
        if (generation == XlogDbGeneration.SERVER_XLOG_DB_WHEN_PRESENT && Files.exists(serverFile)) {
            if (!onServerFile) {
                onServerFile = true;
                LOG.info("indexing in " + serverFile + " (Barman 3.13 or later created it) instead of " + walsFile);
            }
            return serverFile;
        }
        return walsFile;
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
                        + "to the same server (lock " + lockFile + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the lock on " + lockFile, e);
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
        Path file = file();
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
        Path file = file();
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
