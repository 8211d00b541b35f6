package io.walship.agent.fetch;

import io.walship.protocol.WalFileName;
import io.walship.wal.WalHeaderCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Set;

/**
 * The read-ahead directory: verified segments waiting to be asked for, and {@code .wanted}, the last
 * segment recovery asked for, which tells the prefetcher where to read ahead. Only segments are ever
 * spooled: history files decide timelines and are always fetched fresh.
 */
final class Spool {

    private static final String WANTED = ".wanted";

    private final Path dir;

    Spool(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    Path pathOf(WalFileName name) {
        return dir.resolve(name.name());
    }

    /** Moves a spooled segment to {@code destination}; false when it is not spooled. */
    boolean take(WalFileName name, Path destination) throws IOException {
        Path spooled = pathOf(name);
        try {
            Files.move(spooled, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (AtomicMoveNotSupportedException e) {
            // Spool on another file system: copy beside the destination, then rename into place.
            Path temp = destination.resolveSibling("." + destination.getFileName() + ".walship-spool");
            Files.copy(spooled, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.delete(spooled);
            return true;
        }
    }

    /**
     * Waits while the read-ahead is downloading {@code name}; true once it is spooled, false when no
     * download of it is under way (or the wait ran out).
     */
    boolean awaitDownload(WalFileName name, java.time.Duration timeout) throws IOException {
        String prefix = "." + name.name() + ".";
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (Files.exists(pathOf(name))) {
                return true;
            }
            boolean downloading;
            try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, prefix + "*.walship-tmp")) {
                downloading = temps.iterator().hasNext();
            }
            if (!downloading) {
                return Files.exists(pathOf(name));
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
        }
        return false;
    }

    void want(WalFileName name, long segmentSize) throws IOException {
        Path temp = dir.resolve(WANTED + ".tmp");
        Files.writeString(temp, name.name() + " " + segmentSize + "\n", StandardCharsets.US_ASCII);
        Files.move(temp, dir.resolve(WANTED), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    record Wanted(WalFileName name, long segmentSize) {
    }

    /** The last segment asked for; empty when there is none or the file makes no sense. */
    Optional<Wanted> wanted() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(dir.resolve(WANTED));
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

    /** Deletes spooled segments recovery will not ask for (another timeline, already replayed, too far). */
    void dropStale(Set<String> keep) throws IOException {
        forEachEntry(file -> WalFileName.isValid(file) && !keep.contains(file));
    }

    /** Deletes downloads an earlier prefetcher left half done; only call it while no download runs. */
    void dropLeftovers() throws IOException {
        forEachEntry(file -> file.endsWith(".walship-tmp"));
    }

    private void forEachEntry(java.util.function.Predicate<String> delete) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (delete.test(entry.getFileName().toString())) {
                    Files.deleteIfExists(entry);
                }
            }
        }
    }
}
