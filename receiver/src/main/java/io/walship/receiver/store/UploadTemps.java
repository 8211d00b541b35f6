package io.walship.receiver.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The temp files every store receives uploads into, as far as sweeping them goes: a receiver killed mid-upload
 * leaves one behind for good, and {@link #sweep} removes those, never one of this receiver's uploads under way.
 * Each store says where its temp files are and what they are called.
 */
public final class UploadTemps {

    /** What a sweep removed. */
    public record Swept(int files, long bytes) {
    }

    /**
     * The temp files of this receiver's uploads under way: never swept, however long they went unchanged (a
     * compressor can hold back its output for long on very compressible WAL arriving slowly).
     */
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    private UploadTemps() {
    }

    /** {@code temp} belongs to an upload under way, until {@link #done}. */
    public static void live(Path temp) {
        LIVE.add(temp);
    }

    public static void done(Path temp) {
        LIVE.remove(temp);
    }

    /**
     * Removes those of {@code temps} that are regular files, not live, and whose {@code timeAttribute} (as
     * {@link Files#getAttribute} names it, e.g. {@code lastModifiedTime} or {@code unix:ctime}) is older than
     * {@code idle}.
     */
    public static Swept sweep(Collection<Path> temps, Duration idle, String timeAttribute) throws IOException {
        Instant unchangedSince = Instant.now().minus(idle);
        int files = 0;
        long bytes = 0;
        for (Path temp : temps) {
            if (LIVE.contains(temp)) {
                continue;
            }
            try {
                FileTime changed = (FileTime) Files.getAttribute(temp, timeAttribute, LinkOption.NOFOLLOW_LINKS);
                if (!Files.isRegularFile(temp, LinkOption.NOFOLLOW_LINKS)
                        || changed.toInstant().isAfter(unchangedSince)) {
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
}
