package io.walship.agent.pg;

import io.walship.agent.config.AgentConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * Where walship's checks reach PostgreSQL: the {@code conninfo} of the configuration, else the local socket the
 * running cluster of the data directory names in its postmaster.pid, as its own user (peer authentication).
 */
public final class PostgresConnection {

    private PostgresConnection() {
    }

    /** Why there is no way to reach it, or how. */
    public static ConnInfo locate(AgentConfig config, Optional<Path> pgdata) throws IOException {
        if (config != null && config.conninfo().isPresent()) {
            try {
                return ConnInfo.parse(config.conninfo().get());
            } catch (IllegalArgumentException e) {
                throw new IOException("conninfo in " + config.file() + ": " + e.getMessage());
            }
        }
        if (pgdata.isEmpty()) {
            throw new IOException("no data directory to find PostgreSQL by: pass --pgdata DIR (or set PGDATA), or set "
                    + "conninfo in [agent]");
        }
        return PostmasterPid.read(pgdata.get()).map(PostmasterPid::connInfo).orElseThrow(() -> new IOException(
                "PostgreSQL is not running on " + pgdata.get() + " (no postmaster.pid); start it, or check --pgdata"));
    }

    public static Connection open(ConnInfo where, String applicationName) throws SQLException {
        return DriverManager.getConnection(where.url(), where.properties(applicationName));
    }

    /** A setting as {@code SHOW} gives it; {@code name} is one of walship's own, never the user's. */
    public static String setting(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT current_setting('" + name + "')")) {
            row.next();
            return row.getString(1);
        }
    }

    /**
     * The data directory as the server names it, where {@code --pgdata} is not given; empty where the user may not
     * see it (it takes a superuser or pg_read_all_settings).
     */
    public static Optional<Path> dataDirectory(Connection connection) {
        try {
            return Optional.of(Path.of(setting(connection, "data_directory")));
        } catch (SQLException e) {
            return Optional.empty();
        }
    }
}
