package io.walship.receiver.store.barman;

import io.walship.receiver.store.UploadTemps;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The temp files uploads are received into: {@code .NAME.UUID.walship-tmp} next to their destination, which Barman
 * passes over; {@link UploadTemps} sweeps those a killed receiver left.
 */
final class UnfinishedUploads {

    private static final String SUFFIX = ".walship-tmp";

    private UnfinishedUploads() {
    }

    /** A fresh temp file name for an upload of {@code destination}. */
    static Path tempFor(Path destination) {
        return destination.resolveSibling("." + destination.getFileName() + "." + UUID.randomUUID() + SUFFIX);
    }

    /**
     * Removes the temp files in {@code walsDir} and its hash directories that nothing has changed for {@code idle}
     * and that no upload of this receiver holds: another receiver's live upload (one sharing the archive) writes
     * to its file often enough, or is aborted, so an older one belongs to no upload. The change time counts, not
     * the modification time, which an upload sets to the source file's just before the rename.
     */
    static UploadTemps.Swept sweep(Path walsDir, Duration idle) throws IOException {
        return UploadTemps.sweep(temps(walsDir), idle, "unix:ctime");
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
