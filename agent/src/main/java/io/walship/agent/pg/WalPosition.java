package io.walship.agent.pg;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Where PostgreSQL writes its WAL now: the LSN as PostgreSQL prints it and as a byte position; the segment size. */
public record WalPosition(String lsn, long bytes, long segmentSize) {

    /** Fails on a standby, which writes no WAL of its own. */
    public static WalPosition read(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT pg_current_wal_lsn()::text, "
                        + "pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, "
                        + "(SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size')")) {
            row.next();
            return new WalPosition(row.getString(1), row.getLong(2), row.getLong(3));
        }
    }
}
