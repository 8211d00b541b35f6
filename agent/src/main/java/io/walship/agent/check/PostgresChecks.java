package io.walship.agent.check;

import io.walship.agent.daemon.ReadyFiles;
import io.walship.agent.pg.PostgresConnection;
import io.walship.protocol.CheckItem;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** PostgreSQL's side of archiving, as its settings and pg_stat_archiver show it. */
final class PostgresChecks {

    /** {@code walship push}, maybe quoted, maybe with {@code --config FILE}, then %p and %f in that order. */
    private static final Pattern WALSHIP_PUSH = Pattern.compile(
            "(^|[\\s/'\"])walship['\"]?\\s+push\\s+(.*\\s)?['\"]?%p['\"]?\\s+['\"]?%f['\"]?(\\s|;|$)");
    /** A .ready file left this long means archiving does not keep up, or is stuck. */
    static final Duration STALE_READY = Duration.ofMinutes(5);
    /** What PostgreSQL shows for archive_command while archive_mode is off, whatever it is set to. */
    private static final String HIDDEN_COMMAND = "(disabled)";

    private final Connection connection;
    private final Instant now;

    PostgresChecks(Connection connection, Instant now) {
        this.connection = connection;
        this.now = now;
    }

    List<CheckItem> run(Optional<Path> pgdata) {
        List<CheckItem> items = new ArrayList<>();
        items.add(archiveMode());
        items.add(archiveCommand());
        items.add(walLevel());
        items.add(archiver());
        items.add(readyBacklog(pgdata.or(() -> PostgresConnection.dataDirectory(connection))));
        return items;
    }

    private CheckItem archiveMode() {
        return setting("archive_mode", mode -> mode.equals("on") || mode.equals("always")
                ? CheckItem.ok("archive_mode", mode)
                : CheckItem.failed("archive_mode", "is " + mode + "; set archive_mode = on in postgresql.conf and "
                        + "restart PostgreSQL"));
    }

    private CheckItem archiveCommand() {
        Optional<String> library = value("archive_library");
        if (library.isPresent() && !library.get().isEmpty()) {
            return CheckItem.failed("archive_command", "archive_library = '" + library.get() + "' is set, so "
                    + "PostgreSQL ignores archive_command; set archive_library = '' and reload");
        }
        return setting("archive_command", shown -> {
            String command = shown.equals(HIDDEN_COMMAND) ? resetValue("archive_command").orElse(shown) : shown;
            String hidden = shown.equals(HIDDEN_COMMAND) && !command.equals(shown)
                    ? " (shown as " + HIDDEN_COMMAND + " while archive_mode is off)" : "";
            return callsWalshipPush(command)
                    ? CheckItem.ok("archive_command", command + hidden)
                    : CheckItem.failed("archive_command", "is '" + command + "'" + hidden + "; set archive_command = "
                            + "'walship push %p %f' (with the full path of walship if it is not on PostgreSQL's PATH) "
                            + "and reload");
        });
    }

    /**
     * The value the configuration gives, past a show hook: pg_settings' reset_val of a string setting is the value
     * itself, and archive_command is reloaded, never set per session, so that is the one the archiver runs.
     */
    private Optional<String> resetValue(String name) {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT reset_val FROM pg_settings WHERE name = ?")) {
            statement.setString(1, name);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.ofNullable(row.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    static boolean callsWalshipPush(String archiveCommand) {
        return WALSHIP_PUSH.matcher(archiveCommand).find();
    }

    private CheckItem walLevel() {
        return setting("wal_level", level -> level.equals("minimal")
                ? CheckItem.failed("wal_level", "is minimal, which archiving cannot use; set wal_level = replica and "
                        + "restart PostgreSQL")
                : CheckItem.ok("wal_level", level));
    }

    /** The last attempt failed when no success came after the last failure. */
    private CheckItem archiver() {
        String name = "archiver failures";
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT archived_count, last_archived_wal, last_archived_time,"
                        + " failed_count, last_failed_wal, last_failed_time FROM pg_stat_archiver")) {
            row.next();
            long archived = row.getLong(1);
            String lastArchived = row.getString(2);
            Timestamp archivedAt = row.getTimestamp(3);
            long failed = row.getLong(4);
            String lastFailed = row.getString(5);
            Timestamp failedAt = row.getTimestamp(6);
            if (failedAt != null && (archivedAt == null || failedAt.after(archivedAt))) {
                return CheckItem.failed(name, "archive_command failed for " + lastFailed + " at "
                        + failedAt.toInstant() + " and has not succeeded since (" + failed + " failures since the "
                        + "statistics were reset); PostgreSQL's log has the reason, walship status the last one");
            }
            return CheckItem.ok(name, archived == 0 ? "nothing archived yet" : archived + " archived, the last "
                    + lastArchived + " at " + archivedAt.toInstant() + (failed == 0 ? "" : "; " + failed
                    + " failures before it"));
        } catch (SQLException e) {
            return CheckItem.failed(name, "cannot read pg_stat_archiver: " + e.getMessage());
        }
    }

    /** Reads only the data directory, not the connection: tests call it without PostgreSQL. */
    CheckItem readyBacklog(Optional<Path> pgdata) {
        String name = "ready backlog";
        if (pgdata.isEmpty()) {
            return CheckItem.warning(name, "not looked at: pass --pgdata DIR to count pg_wal/archive_status/*.ready");
        }
        Path status = pgdata.get().resolve("pg_wal").resolve("archive_status");
        ReadyFiles.Backlog backlog;
        try {
            backlog = new ReadyFiles(pgdata.get().resolve("pg_wal")).backlog();
        } catch (IOException e) {
            return CheckItem.failed(name, "cannot list " + status + ": " + e.getMessage() + "; run walship check as "
                    + "the user PostgreSQL runs as");
        }
        int count = backlog.files();
        Optional<Instant> oldest = backlog.oldest();
        if (count == 0) {
            return CheckItem.ok(name, "no WAL file waiting");
        }
        Duration age = Duration.between(oldest.orElse(now), now);
        String seen = count + " WAL file" + (count == 1 ? "" : "s") + " waiting, the oldest for " + age.toSeconds()
                + " s";
        if (age.compareTo(STALE_READY) > 0) {
            return CheckItem.warning(name, seen + "; archiving does not keep up or is stuck: see archiver failures "
                    + "and walship status");
        }
        return CheckItem.ok(name, seen);
    }

    private interface Judge {
        CheckItem of(String value);
    }

    private CheckItem setting(String name, Judge judge) {
        try {
            return judge.of(PostgresConnection.setting(connection, name));
        } catch (SQLException e) {
            return CheckItem.failed(name, "cannot read it: " + e.getMessage());
        }
    }

    private Optional<String> value(String name) {
        try {
            return Optional.of(PostgresConnection.setting(connection, name));
        } catch (SQLException e) {
            return Optional.empty();
        }
    }
}
