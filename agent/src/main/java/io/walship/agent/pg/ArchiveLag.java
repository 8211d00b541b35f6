package io.walship.agent.pg;

import io.walship.wal.WalFileName;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * How far the archive is behind PostgreSQL: the WAL written after the end of the last archived segment, in bytes,
 * and the complete segments among it, which are the ones waiting for archive_command (the segment being written
 * is not archivable yet).
 */
public record ArchiveLag(long bytes, long segments) {

    /** PostgreSQL's last archived file (pg_stat_archiver) against where it writes now; fails on a standby. */
    public static Optional<ArchiveLag> read(Connection connection) throws SQLException {
        String lastArchived;
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT last_archived_wal FROM pg_stat_archiver")) {
            row.next();
            lastArchived = row.getString(1);
        }
        WalPosition now = WalPosition.read(connection);
        return of(Optional.ofNullable(lastArchived), now.bytes(), now.segmentSize());
    }

    /** Empty when the last archived file names no segment (a history file) or nothing was archived. */
    public static Optional<ArchiveLag> of(Optional<String> lastArchived, long currentLsn, long segmentSize) {
        if (lastArchived.isEmpty() || !WalFileName.isValid(lastArchived.get())) {
            return Optional.empty();
        }
        WalFileName name = WalFileName.parse(lastArchived.get());
        if (name.kind() == WalFileName.Kind.HISTORY) {
            return Optional.empty();
        }
        long end = name.startLsn(segmentSize) + segmentSize;
        long bytes = Math.max(0, Long.compareUnsigned(currentLsn, end) > 0 ? currentLsn - end : 0);
        long currentSegment = Long.divideUnsigned(currentLsn, segmentSize);
        long segments = Math.max(0, currentSegment - end / segmentSize);
        return Optional.of(new ArchiveLag(bytes, segments));
    }
}
