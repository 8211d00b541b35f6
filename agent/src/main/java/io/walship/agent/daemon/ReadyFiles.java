package io.walship.agent.daemon;

import io.walship.wal.WalFileName;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The files PostgreSQL has marked ready to archive, in the order its archiver takes them. */
public final class ReadyFiles {

    private static final String SUFFIX = ".ready";
    /** History files first, then oldest first, as pgarch.c does. */
    static final Comparator<String> ARCHIVER_ORDER = Comparator
            .comparing((String name) -> !name.endsWith(".history"))
            .thenComparing(Comparator.naturalOrder());

    private final Path statusDir;

    public ReadyFiles(Path walDir) {
        this.statusDir = walDir.resolve("archive_status");
    }

    /**
     * How far archiving lags: the WAL files marked ready and, when there are any, when the oldest mark was made
     * (its {@code .ready} file's modification time).
     */
    public record Backlog(int files, Optional<Instant> oldest) {
    }

    public Backlog backlog() throws IOException {
        int files = 0;
        Instant oldest = null;
        for (String name : list()) {
            Instant marked;
            try {
                marked = Files.getLastModifiedTime(statusDir.resolve(name + SUFFIX)).toInstant();
            } catch (NoSuchFileException e) {
                // Archived meanwhile.
                continue;
            }
            files++;
            oldest = oldest == null || marked.isBefore(oldest) ? marked : oldest;
        }
        return new Backlog(files, Optional.ofNullable(oldest));
    }

    List<String> list() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(statusDir, "*" + SUFFIX)) {
            for (Path entry : entries) {
                String file = entry.getFileName().toString();
                String name = file.substring(0, file.length() - SUFFIX.length());
                if (WalFileName.isValid(name)) {
                    names.add(name);
                }
            }
        }
        names.sort(ARCHIVER_ORDER);
        return names;
    }
}
