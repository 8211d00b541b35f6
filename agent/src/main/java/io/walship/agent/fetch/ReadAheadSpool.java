package io.walship.agent.fetch;

import io.walship.agent.spool.SpoolLayout;
import io.walship.fs.AtomicFile;
import io.walship.fs.Durable;
import io.walship.wal.WalFileName;
import io.walship.wal.WalHeaderCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * The read-ahead part of a server's spool: verified segments waiting to be asked for, and {@code .wanted},
 * the last segment recovery asked for, which tells the prefetcher where to read ahead. Only segments are
 * ever spooled: history files decide timelines and are always fetched fresh.
 */
public final class ReadAheadSpool {

    private static final long DEFAULT_SEGMENT_SIZE = 16L << 20;
    /** How long to wait for a read-ahead download of the very segment asked for, rather than fetch it twice. */
    private static final Duration IN_FLIGHT_WAIT = Duration.ofSeconds(30);

    private final SpoolLayout layout;
    private final VerifiedRecords verified;

    public ReadAheadSpool(SpoolLayout layout) {
        this.layout = layout;
        this.verified = new VerifiedRecords(layout);
    }

    SpoolLayout layout() {
        return layout;
    }

    Path pathOf(WalFileName name) {
        return layout.segment(name);
    }

    /**
     * How the read-ahead puts a verified download into the spool ({@link Fetcher.Publisher}): the bytes on disk,
     * then its record, then the rename, so that a crash at any point leaves no spooled file without a matching
     * record.
     */
    public void publish(Path download, Path spooled) throws IOException {
        Durable.syncFile(download);
        verified.record(spooled.getFileName().toString(), download);
        Files.move(download, spooled, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Durable.syncDirectory(layout.dir());
    }

    /**
     * Gives a spooled segment {@code destination} as a second name (a copy where that is on another file system);
     * false when it is not spooled, or not as its record of verification says (truncated, replaced, never verified):
     * such a file is never served. The spooled file stays, for PostgreSQL asks for the last segment again at the end
     * of recovery; the read-ahead drops it once its window has moved on ({@link #dropStale}).
     */
    boolean take(WalFileName name, Path destination) throws IOException {
        Path spooled = pathOf(name);
        if (!verified.matches(name.name(), spooled)) {
            return false;
        }
        Path temp = SpoolLayout.copyTemp(destination);
        Files.deleteIfExists(temp);
        try {
            Files.createLink(temp, spooled);
        } catch (NoSuchFileException e) {
            return false;
        } catch (FileSystemException e) {
            // Spool on another file system (or one without hard links): a copy, on disk before it takes the name.
            try {
                Files.copy(spooled, temp, StandardCopyOption.REPLACE_EXISTING);
            } catch (NoSuchFileException gone) {
                return false;
            }
            Durable.syncFile(temp);
        }
        Files.move(temp, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    /** {@link #take}, or when a download of {@code name} is under way, take once it is done; false otherwise. */
    boolean takeOrAwait(WalFileName name, Path destination) throws IOException {
        return take(name, destination) || awaitDownload(name, IN_FLIGHT_WAIT) && take(name, destination);
    }

    /**
     * Waits while the read-ahead is downloading {@code name}; true once it is spooled, false when no
     * download of it is under way (or the wait ran out).
     */
    boolean awaitDownload(WalFileName name, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (Files.exists(pathOf(name))) {
                return true;
            }
            boolean downloading;
            try (DirectoryStream<Path> temps = Files.newDirectoryStream(layout.dir(),
                    SpoolLayout.downloadsOf(name.name()))) {
                downloading = temps.iterator().hasNext();
            }
            if (!downloading) {
                return Files.exists(pathOf(name));
            }
            LockSupport.parkNanos(5_000_000L);
        }
        return false;
    }

    /**
     * Moves the read-ahead window to {@code name}, recovery's latest request; a {@code segmentSize} of 0 keeps the
     * size already known (a segment taken from the spool), or 16 MiB.
     */
    void moveTo(WalFileName name, long segmentSize) throws IOException {
        want(name, segmentSize > 0 ? segmentSize : wanted().map(Wanted::segmentSize).orElse(DEFAULT_SEGMENT_SIZE));
    }

    /**
     * Moves the read-ahead window so that it starts at {@code first}, which recovery has not asked for yet (it is
     * where a base backup's recovery starts); false when {@code first} is the very first segment there is.
     */
    boolean startAt(WalFileName first) throws IOException {
        long segmentSize = wanted().map(Wanted::segmentSize).orElse(DEFAULT_SEGMENT_SIZE);
        if (first.startLsn(segmentSize) == 0) {
            return false;
        }
        want(first.segmentAfter(segmentSize, -1), segmentSize);
        return true;
    }

    void want(WalFileName name, long segmentSize) throws IOException {
        String line = name.name() + " " + segmentSize + "\n";
        AtomicFile.replace(layout.wanted(), line.getBytes(StandardCharsets.US_ASCII));
    }

    record Wanted(WalFileName name, long segmentSize) {
    }

    /** The last segment asked for; empty when there is none or the file makes no sense. */
    Optional<Wanted> wanted() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(layout.wanted());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        String[] fields = new String(bytes, StandardCharsets.US_ASCII).strip().split(" ");
        if (fields.length != 2 || !WalFileName.isValid(fields[0]) || !fields[1].matches("[0-9]{1,10}")) {
            return Optional.empty();
        }
        WalFileName name = WalFileName.parse(fields[0]);
        long segmentSize = Long.parseLong(fields[1]);
        if (name.kind() != WalFileName.Kind.SEGMENT || !WalHeaderCheck.isValidSegmentSize(segmentSize)) {
            return Optional.empty();
        }
        return Optional.of(new Wanted(name, segmentSize));
    }

    /**
     * Deletes spooled segments recovery will not ask for (another timeline, already replayed, too far), and their
     * records.
     */
    void dropStale(Set<String> keep) throws IOException {
        forEachEntry(file -> WalFileName.isValid(file) && !keep.contains(file));
        for (String name : verified.names()) {
            if (!keep.contains(name)) {
                verified.forget(name);
            }
        }
    }

    /** Deletes downloads an earlier prefetcher left half done; only call it while no download runs. */
    void dropLeftovers() throws IOException {
        forEachEntry(SpoolLayout::isDownload);
    }

    private void forEachEntry(Predicate<String> delete) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(layout.dir())) {
            for (Path entry : entries) {
                if (delete.test(entry.getFileName().toString())) {
                    Files.deleteIfExists(entry);
                }
            }
        }
    }
}
