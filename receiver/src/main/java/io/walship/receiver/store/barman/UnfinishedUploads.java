package io.walship.receiver.store.barman;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The temp files uploads are received into: {@code .NAME.UUID.walship-tmp} next to their destination, which Barman
 * passes over. A receiver killed mid-upload leaves one behind for good; {@link #sweep} removes those.
 */
final class UnfinishedUploads {

    private static final String SUFFIX = ".walship-tmp";

    /** What a sweep removed. */
    record Swept(int files, long bytes) {
    }

    /**
     * The temp files of this receiver's uploads under way: never swept, however long they went unchanged (a
     * compressor can hold back its output for long on very compressible WAL arriving slowly).
     */
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    private UnfinishedUploads() {
    }

    /** {@code temp} belongs to an upload under way, until {@link #done}. */
    static void live(Path temp) {
        LIVE.add(temp);
    }

    static void done(Path temp) {
        LIVE.remove(temp);
    }

    /** A fresh temp file name for an upload of {@code destination}. */
    static Path tempFor(Path destination) {
        return destination.resolveSibling("." + destination.getFileName() + "." + UUID.randomUUID() + SUFFIX);
    }

    /**
     * Removes the temp files in {@code walsDir} and its hash directories that nothing has changed for {@code idle}
     * and that no upload of this receiver holds: another receiver's live upload (one sharing the archive) writes
     * to its file often enough, or is aborted, so an older one belongs to no upload. The change time counts, not the modification time, which an upload
     * sets to the source file's just before the rename.
     */
    static Swept sweep(Path walsDir, Duration idle) throws IOException {
        Instant unchangedSince = Instant.now().minus(idle);
        int files = 0;
        long bytes = 0;
        for (Path temp : temps(walsDir)) {
            if (LIVE.contains(temp)) {
                continue;
            }
            try {
                FileTime changed = (FileTime) Files.getAttribute(temp, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
                if (changed.toInstant().isAfter(unchangedSince)) {
                    continue;
                }
                long size = Files.size(temp);
                Files.delete(temp);
                files++;
                bytes += size;
            } catch (NoSuchFileException e) {
                // Its upload ended meanwhile, and took it along.
            }
        }
        return new Swept(files, bytes);
    }

    private static List<Path> temps(Path walsDir) throws IOException {
        List<Path> temps = new ArrayList<>();
        if (!Files.isDirectory(walsDir)) {
            return temps;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(walsDir)) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    try (DirectoryStream<Path> hashDir = Files.newDirectoryStream(entry, "*" + SUFFIX)) {
                        hashDir.forEach(temps::add);
                    }
                } else if (entry.getFileName().toString().endsWith(SUFFIX)) {
                    temps.add(entry);
                }
            }
        }
        return temps;
    }
}
