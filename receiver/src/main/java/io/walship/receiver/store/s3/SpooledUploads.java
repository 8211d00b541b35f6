package io.walship.receiver.store.s3;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The temp files uploads to a bucket are spooled into: {@code .walship-s3-SERVER-NAME-RANDOM.tmp} in the server's
 * temp_directory. A receiver killed mid-upload leaves one behind; {@link #sweep} removes those.
 */
final class SpooledUploads {

    static final String PREFIX = ".walship-s3-";
    static final String SUFFIX = ".tmp";

    /** What a sweep removed. */
    record Swept(int files, long bytes) {
    }

    private SpooledUploads() {
    }

    /**
     * Removes the spooled uploads in {@code dir} not modified for {@code idle}: a live upload writes its file as its
     * bytes arrive, is ended by the upload idle timeout, and its put by the call timeout, all far shorter.
     */
    static Swept sweep(Path dir, Duration idle) throws IOException {
        Instant unchangedSince = Instant.now().minus(idle);
        int files = 0;
        long bytes = 0;
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
            for (Path temp : temps) {
                try {
                    if (!Files.isRegularFile(temp, LinkOption.NOFOLLOW_LINKS)
                            || Files.getLastModifiedTime(temp).toInstant().isAfter(unchangedSince)) {
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
        }
        return new Swept(files, bytes);
    }
}
