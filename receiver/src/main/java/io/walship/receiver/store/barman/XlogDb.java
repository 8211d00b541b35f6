package io.walship.receiver.store.barman;

import io.walship.fs.AtomicFile;
import io.walship.fs.Durable;
import io.walship.receiver.config.BarmanServer;
import io.walship.receiver.config.XlogDbGeneration;
import io.walship.receiver.store.StoreEvents;
import io.walship.wal.WalFileName;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Barman's WAL index of one server, and the flock that every reader and writer of it holds. Which file that is
 * depends on the Barman release (see {@link XlogDbGeneration}) and, for Barman 3.13 and later, on whether Barman
 * has created its per-server file yet; so it is decided anew under the lock on every access.
 */
public final class XlogDb {

    private static final Logger LOG = Logger.getLogger(XlogDb.class.getName());
    private static final String HISTORY = ".history";

    private final Path walsFile;
    private final Path serverFile;
    private final Path lockFile;
    private final Duration lockTimeout;
    private final String server;
    private final StoreEvents events;
    private final XlogDbGeneration generation;
    private final ReentrantLock local = new ReentrantLock(true);
    /** Guarded by {@link #local}. */
    private boolean onServerFile;
    /** A {@code <server>-xlog.db} left by a newer Barman is no reason to leave wals/xlog.db for an older one. */
    private final boolean serverFileAtStart;
    /** The index file while the lock is held; guarded by {@link #local}. */
    private Path current;

    /** The index of {@code server}; waits for Barman's lock at most {@code lockTimeout}, each wait told to events. */
    public XlogDb(BarmanServer server, Duration lockTimeout, StoreEvents events) {
        this.walsFile = server.walsXlogDb();
        this.serverFile = server.serverXlogDb();
        this.lockFile = server.lockFile();
        this.lockTimeout = lockTimeout;
        this.server = server.name();
        this.events = events;
        this.generation = server.generation();
        this.serverFileAtStart = Files.exists(serverFile);
    }

    /**
     * The file Barman reads now; call it while holding the lock, since Barman may create or delete files (and
     * for Barman 3.13 and later this creates {@code <server>-xlog.db} when it is missing).
     */
    private Path file() throws IOException {
        switch (generation) {
            case WALS_XLOG_DB -> {
                // Barman upgraded to 3.13 or later while the receiver runs: it has just moved the index.
                if (!serverFileAtStart && Files.exists(serverFile)) {
                    if (!onServerFile) {
                        onServerFile = true;
                        LOG.warning("indexing in " + serverFile + ", which Barman 3.13 or later created, instead of "
                                + walsFile + "; Barman was upgraded: restart the receiver so that it knows");
                    }
                    return serverFile;
                }
                return walsFile;
            }
            case SERVER_XLOG_DB -> {
                if (!Files.exists(serverFile)) {
                    create();
                }
                return serverFile;
            }
            default -> {
                if (!Files.exists(serverFile)) {
                    return walsFile;
                }
                if (!onServerFile) {
                    onServerFile = true;
                    LOG.info("indexing in " + serverFile + " (Barman 3.13 or later created it) instead of "
                            + walsFile);
                }
                return serverFile;
            }
        }
    }

    /**
     * What Barman 3.13 and later do when their index is missing: list every WAL file stored under wals/ (hash
     * directories in name order, history files directly in wals/) with its stored size, time and codec, then
     * remove the xlog.db of older Barman releases. Hidden files (walship's uploads in progress) are no WAL.
     */
    private void create() throws IOException {
        Path walsDir = walsFile.getParent();
        List<XlogDbLine> lines = new ArrayList<>();
        if (Files.isDirectory(walsDir)) {
            for (Path entry : sortedList(walsDir)) {
                String name = entry.getFileName().toString();
                if (Files.isDirectory(entry)) {
                    for (Path file : sortedList(entry)) {
                        String fileName = file.getFileName().toString();
                        if (Files.isRegularFile(file) && WalFileName.isBarmanName(fileName)
                                && !fileName.endsWith(HISTORY)) {
                            lines.add(lineOf(file));
                        }
                    }
                } else if (Files.isRegularFile(entry) && WalFileName.isBarmanName(name) && name.endsWith(HISTORY)) {
                    lines.add(lineOf(entry));
                }
            }
        }
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line.format()));
        Durable.createDirectories(serverFile.getParent());
        AtomicFile.replaceDurably(serverFile, text.toString().getBytes(StandardCharsets.UTF_8));
        boolean removed = Files.deleteIfExists(walsFile);
        if (removed) {
            Durable.syncDirectory(walsDir);
        }
        onServerFile = true;
        LOG.info("created " + serverFile + " for Barman 3.13 or later, indexing the " + lines.size() + " files under "
                + walsDir + (removed ? "; removed the older " + walsFile : ""));
    }

    private static List<Path> sortedList(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
    }

    private static XlogDbLine lineOf(Path stored) throws IOException {
        return XlogDbLine.of(stored, Files.getLastModifiedTime(stored).to(TimeUnit.NANOSECONDS));
    }

    /**
     * The index Barman reads now, as a reader that changes nothing finds it: {@code <server>-xlog.db} once a
     * Barman 3.13 or later (or walship for it) created it, else {@code wals/xlog.db}.
     */
    static Path asFound(Path serverFile, Path walsFile) {
        return Files.exists(serverFile) ? serverFile : walsFile;
    }

    /** A held lock; closing it releases it. */
    public interface Held extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /**
     * Takes Barman's lock; the caller must hold it around {@link #contains} and {@link #append}. Uploads of
     * this receiver queue on a JVM lock first, in order, so a wait on the flock means another process holds it.
     * The whole wait, queue and flock together, is bounded by the lock timeout. Callers wait on threads of their
     * own (see {@link BarmanStore}), never on one that other servers' uploads or downloads need.
     */
    public Held lock() throws IOException {
        return lock(false);
    }

    /**
     * {@link #lock()} for a reader that must change nothing (walship verify): the index Barman reads now is
     * taken as it is, no file is created and no partial last line cut off.
     */
    public Held lockForReading() throws IOException {
        return lock(true);
    }

    private Held lock(boolean reading) throws IOException {
        Flock flock = acquire();
        try {
            // Decided before the caller stores anything, so that a new index never lists a file twice.
            if (reading) {
                current = asFound(serverFile, walsFile);
            } else {
                current = file();
                cutPartialLastLine(current);
            }
        } catch (IOException | RuntimeException e) {
            try {
                flock.close();
            } finally {
                local.unlock();
            }
            throw e;
        }
        return () -> {
            current = null;
            try {
                flock.close();
            } finally {
                local.unlock();
            }
        };
    }

    /** The JVM's queue, then the flock: holds both when it returns; the whole wait is told to the events. */
    private Flock acquire() throws IOException {
        long started = System.nanoTime();
        long deadline = started + lockTimeout.toNanos();
        try {
            try {
                if (!local.tryLock(lockTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                    throw timedOut();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the lock on " + lockFile, e);
            }
            try {
                // Barman creates no barman_lock_directory either; the start-up check saw that it can be made.
                Durable.createDirectories(lockFile.getParent());
                return Flock.acquire(lockFile, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
                        () -> LOG.info("waiting up to " + lockTimeout.toSeconds() + " s for " + lockFile
                                + ", held by " + LockHolder.of(lockFile).orElse("another process (a barman "
                                + "command?)")));
            } catch (Flock.Timeout e) {
                local.unlock();
                throw timedOut();
            } catch (IOException | RuntimeException e) {
                local.unlock();
                throw e;
            }
        } finally {
            events.lockWaited(server, System.nanoTime() - started);
        }
    }

    private IOException timedOut() {
        return new IOException("waited " + lockTimeout.toSeconds() + " s (lock_timeout) for Barman's lock "
                + lockFile + ", held by " + LockHolder.of(lockFile).orElse("another process (a barman command?)")
                + "; nothing was stored, retry once it is released");
    }

    private Path locked() {
        if (current == null || !local.isHeldByCurrentThread()) {
            throw new IllegalStateException("xlog.db used without holding its lock");
        }
        return current;
    }

    /** Every name the index lists; only while holding {@link #lock()}. */
    public Set<String> names() throws IOException {
        return storedSizes().keySet();
    }

    /** Every name the index lists with the stored size it gives (-1 where that field is not a number). */
    public Map<String, Long> storedSizes() throws IOException {
        Path file = locked();
        Map<String, Long> sizes = new HashMap<>();
        if (Files.exists(file)) {
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (!line.isBlank()) {
                        String[] fields = line.split("\t");
                        sizes.put(XlogDbLine.nameOf(line), fields.length > 1 && fields[1].matches("\\d{1,18}")
                                ? Long.parseLong(fields[1]) : -1L);
                    }
                }
            }
        }
        return sizes;
    }

    /** Whether the index lists {@code name}; only while holding {@link #lock()}. */
    public boolean contains(String name) throws IOException {
        Path file = locked();
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

    /**
     * Adds one line, only while holding {@link #lock()}, all or nothing: a write cut short (a full disk) is taken
     * back to the previous end of the file, so that no part of a line is left for the next one to be glued onto.
     * Barman reads the index in name order and stops at the first name past what it looks for, so a line that
     * would land out of order (parallel uploads, the archiver racing the agent) makes the file be rewritten
     * sorted, as barman rebuild-xlogdb would.
     */
    public void append(XlogDbLine line) throws IOException {
        Path file = locked();
        boolean created = !Files.exists(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long end = channel.size();
            Optional<String> last = lastName(channel, end);
            if (last.isPresent() && line.name().compareTo(last.get()) < 0) {
                rewriteSorted(file, line);
                return;
            }
            Durable.appendOrUndo(channel, end, ByteBuffer.wrap(line.format().getBytes(StandardCharsets.UTF_8)));
        }
        if (created) {
            Durable.syncDirectory(file.getParent());
        }
    }

    /**
     * A crash in the middle of an append (Barman's or an older walship's) can leave a last line without its
     * newline: Barman would read it as a malformed entry, and the next line appended would be glued onto it. The
     * fragment is cut off before the index is read or extended; the file it named is still stored, and the next
     * push of it indexes it again.
     */
    private static void cutPartialLastLine(Path file) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            byte[] tail = LineFiles.tail(channel, size);
            if (tail.length == 0 || tail[tail.length - 1] == '\n') {
                return;
            }
            long keep = LineFiles.wholeLinesEnd(channel, size);
            channel.truncate(keep);
            channel.force(true);
            int shown = (int) Math.min(size - keep, Math.min(tail.length, 200));
            String fragment = new String(tail, tail.length - shown, shown, StandardCharsets.UTF_8)
                    .replaceAll("\\p{Cntrl}", "?");
            LOG.warning("cut " + (size - keep) + " bytes without a newline off the end of " + file + ", left there "
                    + "by a crash or a full disk: '" + fragment + "'; the file they named is indexed again when it "
                    + "is pushed again");
        }
    }

    /** The name on the last line of the first {@code end} bytes. */
    private static Optional<String> lastName(FileChannel channel, long end) throws IOException {
        String text = new String(LineFiles.tail(channel, end), StandardCharsets.UTF_8).stripTrailing();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(XlogDbLine.nameOf(text.substring(text.lastIndexOf('\n') + 1)));
    }

    private static void rewriteSorted(Path file, XlogDbLine line) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        lines.removeIf(String::isBlank);
        lines.add(line.format().stripTrailing());
        lines.sort(Comparator.comparing(XlogDbLine::nameOf));
        StringBuilder text = new StringBuilder();
        lines.forEach(l -> text.append(l).append('\n'));
        AtomicFile.replaceDurably(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }
}
