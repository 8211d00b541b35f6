package io.walship.agent.daemon;

import io.walship.agent.config.AgentConfig;
import io.walship.agent.pg.ArchiveLag;
import io.walship.agent.pg.PostgresConnection;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Asks PostgreSQL how far the archive is behind, as {@code walship status} does, once per scrape: a connection
 * held open between scrapes would be one more backend for nothing while nobody looks.
 */
final class ArchiveLagProbe {

    private static final Logger LOG = Logger.getLogger(ArchiveLagProbe.class.getName());

    private final AgentConfig config;
    private final Path pgdata;
    private volatile String lastProblem;

    ArchiveLagProbe(AgentConfig config, Path pgdata) {
        this.config = config;
        this.pgdata = pgdata;
    }

    /** Empty while PostgreSQL cannot be asked (stopped, a standby, nothing archived yet); logged when that changes. */
    Optional<ArchiveLag> read() {
        try (Connection connection = PostgresConnection.open(PostgresConnection.locate(config, Optional.of(pgdata)),
                "walship agent")) {
            Optional<ArchiveLag> lag = ArchiveLag.read(connection);
            problem(null);
            return lag;
        } catch (IOException | SQLException e) {
            problem("cannot ask PostgreSQL for the archive lag: " + e.getMessage());
            return Optional.empty();
        }
    }

    private void problem(String problem) {
        if (!Objects.equals(problem, lastProblem)) {
            if (problem != null) {
                LOG.warning(problem + "; walship_agent_archive_lag_bytes goes unreported until it can");
            } else if (lastProblem != null) {
                LOG.info("PostgreSQL answers again: walship_agent_archive_lag_bytes is reported");
            }
            lastProblem = problem;
        }
    }
}
