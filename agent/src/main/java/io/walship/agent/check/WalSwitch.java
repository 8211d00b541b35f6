package io.walship.agent.check;

import io.walship.protocol.Check;
import io.walship.protocol.CheckItem;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Like {@code pgbackrest check}: makes PostgreSQL close its current WAL segment and waits until the receiver says
 * that segment is stored, which proves the whole path from archive_command to the archive.
 */
final class WalSwitch {

    static final String NAME = "WAL switch";
    private static final long POLL_MILLIS = 250;

    private final Connection connection;
    private final ReceiverChecks receiver;
    private final String server;

    WalSwitch(Connection connection, ReceiverChecks receiver, String server) {
        this.connection = connection;
        this.receiver = receiver;
        this.server = server;
    }

    CheckItem run(Duration timeout) throws InterruptedException {
        String segment;
        try (Statement statement = connection.createStatement();
                // A restore point first, so that there is WAL to switch away from even on an idle cluster.
                ResultSet row = statement.executeQuery("SELECT pg_walfile_name(pg_switch_wal()) FROM "
                        + "pg_create_restore_point('walship check')")) {
            row.next();
            segment = row.getString(1);
        } catch (SQLException e) {
            return CheckItem.failed(NAME, "cannot switch WAL: " + e.getMessage() + "; it needs a superuser (or "
                    + "EXECUTE on pg_switch_wal and pg_create_restore_point) and a primary, not a standby");
        }
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        CheckItem last;
        while (true) {
            List<CheckItem> items = receiver.ask(new Check(server, segment));
            last = items.getLast();
            if (last.passed() && last.name().startsWith("stored ")) {
                return CheckItem.ok(NAME, segment + " stored by the receiver "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms after the switch");
            }
            if (!last.name().startsWith("stored ")) {
                return CheckItem.failed(NAME, "switched to the segment after " + segment + ", but " + last.line());
            }
            if (System.nanoTime() - deadline > 0) {
                return CheckItem.failed(NAME, segment + " was not stored by the receiver within " + timeout.toSeconds()
                        + " s of the switch; see archiver failures above, walship status and PostgreSQL's log");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
