package io.walship.agent.status;

import io.walship.agent.config.AgentConfig;
import io.walship.agent.daemon.ReadyFiles;
import io.walship.agent.pg.ArchiveLag;
import io.walship.agent.pg.ConnInfo;
import io.walship.agent.pg.PostgresConnection;
import io.walship.agent.pg.WalPosition;
import io.walship.agent.spool.AgentPresence;
import io.walship.agent.spool.LastFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Gathers a {@link ServerStatus} from PostgreSQL (pg_stat_archiver, the current WAL position) and the spool. */
final class StatusReader {

    private final AgentConfig config;
    private final Optional<Path> pgdata;
    private final Instant now;

    StatusReader(AgentConfig config, Optional<Path> pgdata, Instant now) {
        this.config = config;
        this.pgdata = pgdata;
        this.now = now;
    }

    ServerStatus read() {
        String lastWal = null;
        Instant lastTime = null;
        String failedWal = null;
        Instant failedTime = null;
        ArchiveLag lag = null;
        String lsn = null;
        String version = null;
        String problem = null;
        Optional<Path> dataDirectory = pgdata;
        try {
            ConnInfo where = PostgresConnection.locate(config, pgdata);
            try (Connection connection = PostgresConnection.open(where, "walship status");
                    Statement statement = connection.createStatement()) {
                version = connection.getMetaData().getDatabaseProductVersion();
                try (ResultSet row = statement.executeQuery("SELECT last_archived_wal, last_archived_time, "
                        + "last_failed_wal, last_failed_time FROM pg_stat_archiver")) {
                    row.next();
                    lastWal = row.getString(1);
                    lastTime = instant(row.getTimestamp(2));
                    failedWal = row.getString(3);
                    failedTime = instant(row.getTimestamp(4));
                }
                try {
                    WalPosition position = WalPosition.read(connection);
                    lsn = position.lsn();
                    lag = ArchiveLag.of(Optional.ofNullable(lastWal), position.bytes(), position.segmentSize())
                            .orElse(null);
                } catch (SQLException e) {
                    problem = "cannot read the current WAL position (" + e.getMessage() + "); a standby has none";
                }
                if (dataDirectory.isEmpty()) {
                    dataDirectory = PostgresConnection.dataDirectory(connection);
                }
            }
        } catch (IOException | SQLException e) {
            problem = "PostgreSQL: " + e.getMessage();
        }
        ReadyFiles.Backlog ready = dataDirectory.map(StatusReader::ready).orElse(null);
        Long lagSeconds = ready == null ? null : ready.oldest().map(o -> Duration.between(o, now).toSeconds())
                .orElse(0L);
        return new ServerStatus(config.server(), config.receiverText(), lastWal, text(lastTime),
                lag == null ? null : lag.bytes(), lag == null ? null : lag.segments(), lagSeconds,
                ready == null ? null : ready.files(), agent(), failure(failedWal, failedTime, lastTime), lsn, version,
                problem);
    }

    private static ReadyFiles.Backlog ready(Path pgdata) {
        try {
            return new ReadyFiles(pgdata.resolve("pg_wal")).backlog();
        } catch (IOException e) {
            return null;
        }
    }

    private ServerStatus.Agent agent() {
        try {
            boolean startAgent = config.pushStartsAgent();
            return new AgentPresence(config.spool()).look().map(seen -> new ServerStatus.Agent(true, seen.pid(),
                    seen.onDemand(), startAgent, seen.heldBy().orElse(null),
                    seen.heldBy().map(h -> seen.why()).orElse(null), seen.heldSince().map(Instant::toString).orElse(null)))
                    .orElse(new ServerStatus.Agent(false, null, null, startAgent, null, null, null));
        } catch (IOException e) {
            return null;
        }
    }

    /** PostgreSQL's last failure, with push's message when it recorded one for that file around that time. */
    private ServerStatus.Failure failure(String wal, Instant when, Instant lastArchived) {
        Optional<LastFailure.Seen> recorded;
        try {
            recorded = new LastFailure(config.spool()).read();
        } catch (IOException e) {
            recorded = Optional.empty();
        }
        if (wal == null && recorded.isEmpty()) {
            return null;
        }
        String name = wal != null ? wal : recorded.get().name();
        Instant time = when != null ? when : recorded.get().when();
        String message = recorded.filter(r -> r.name().equals(name)).map(LastFailure.Seen::message)
                .orElse("see PostgreSQL's log");
        return new ServerStatus.Failure(name, time.toString(), message, lastArchived != null
                && lastArchived.isAfter(time));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
