package io.walship.receiver.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What PostgreSQL says about its archiving: pg_stat_archiver and the marks in pg_wal/archive_status. */
record ArchiveStatus(long archivedCount, String lastArchivedWal, long failedCount, String lastFailedWal,
        List<String> done, List<String> ready) {

    static ArchiveStatus of(PostgresCluster cluster) throws IOException {
        String[] row = cluster.psql("select archived_count, coalesce(last_archived_wal, ''), failed_count,"
                + " coalesce(last_failed_wal, '') from pg_stat_archiver;").split("\\|", -1);
        Path status = cluster.dataDir().resolve("pg_wal/archive_status");
        return new ArchiveStatus(Long.parseLong(row[0]), row[1], Long.parseLong(row[2]), row[3],
                marked(status, ".done"), marked(status, ".ready"));
    }

    /** The files PostgreSQL marked with {@code suffix}, by name, sorted. */
    private static List<String> marked(Path status, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(status)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix))
                    .map(n -> n.substring(0, n.length() - suffix.length())).sorted().toList();
        }
    }

    /** The counters and the newest marks, short enough for a failure message. */
    String summary() {
        return "archived_count " + archivedCount + ", last_archived_wal " + lastArchivedWal + ", failed_count "
                + failedCount + ", last_failed_wal " + lastFailedWal + ", " + done.size() + " .done (last "
                + (done.isEmpty() ? "-" : done.getLast()) + "), .ready " + ready;
    }
}
