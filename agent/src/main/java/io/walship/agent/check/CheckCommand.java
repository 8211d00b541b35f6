package io.walship.agent.check;

import io.walship.agent.config.AgentConfig;
import io.walship.agent.config.ConfigOption;
import io.walship.agent.config.PgdataOption;
import io.walship.agent.pg.ConnInfo;
import io.walship.agent.pg.PostgresConnection;
import io.walship.config.ConfigException;
import io.walship.protocol.CheckItem;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code walship check}: is this host's archiving set up right, from the configuration to the receiver's disk. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Checks the archiving setup of this PostgreSQL host, one line per check.", "",
            "Looks at the configuration and the TLS files, connects to the receiver and has it check the server's "
                + "archive (authorization, directories, Barman's lock, free space, compression), asks PostgreSQL "
                + "(archive_mode, archive_command, wal_level, pg_stat_archiver, the .ready backlog) and looks at the "
                + "agent. Exits 0 when nothing FAILED (a WARNING passes), 1 otherwise. Run it as the user "
                + "PostgreSQL runs as.", "",
            "PostgreSQL is reached through conninfo in [agent] if set, else through the local socket the data "
                + "directory's postmaster.pid names, as the running user."},
        footer = {"", "Examples:", "  walship check --pgdata /var/lib/postgresql/15/main",
            "  walship check --pgdata /var/lib/postgresql/15/main --switch-wal",
            "  walship check --nagios --pgdata /var/lib/postgresql/15/main"})
public final class CheckCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Mixin
    PgdataOption pgdata;

    @Option(names = "--nagios", description = "One line of Nagios plugin output; exit 0 OK, 1 WARNING, 2 CRITICAL.")
    boolean nagios;

    @Option(names = "--switch-wal", description = "Also switch WAL (pg_switch_wal) and wait until the receiver has "
            + "that segment stored.")
    boolean switchWal;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long --switch-wal waits for the segment (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws InterruptedException {
        Instant now = Instant.now();
        Optional<Path> dataDirectory = pgdata.resolve();
        List<CheckItem> items = new ArrayList<>();
        AgentConfig agent = null;
        try {
            agent = config.load();
            items.add(CheckItem.ok("configuration", agent.file() + ", server '" + agent.server() + "'"));
        } catch (ConfigException e) {
            items.add(CheckItem.failed("configuration", e.getMessage()));
        }
        ReceiverChecks receiver = agent == null ? null : new ReceiverChecks(agent);
        if (agent != null) {
            items.addAll(new CredentialChecks(agent, now).run());
            items.addAll(receiver.run());
        }
        try (receiver; Connection connection = connect(agent, dataDirectory, items)) {
            if (connection != null) {
                items.addAll(new PostgresChecks(connection, now).run(dataDirectory));
            }
            if (agent != null) {
                items.add(new AgentChecks(agent, now).run());
            }
            if (switchWal) {
                items.add(connection == null || agent == null
                        ? CheckItem.failed(WalSwitch.NAME, "not tried: PostgreSQL or the configuration failed above")
                        : new WalSwitch(connection, receiver, agent.server()).run(Duration.ofSeconds(timeoutSeconds)));
            }
        } catch (SQLException e) {
            // closing only
        }
        CheckOutput output = new CheckOutput(agent == null ? "?" : agent.server(), items);
        System.out.print(nagios ? output.nagios() + System.lineSeparator() : output.lines());
        return nagios ? output.nagiosStatus() : output.failed() ? 1 : 0;
    }

    /** The connection, or null with the item that says why there is none. */
    private static Connection connect(AgentConfig agent, Optional<Path> pgdata, List<CheckItem> items) {
        ConnInfo where;
        try {
            where = PostgresConnection.locate(agent, pgdata);
        } catch (IOException e) {
            items.add(CheckItem.failed("PostgreSQL", e.getMessage()));
            return null;
        }
        try {
            Connection connection = PostgresConnection.open(where, "walship check");
            items.add(CheckItem.ok("PostgreSQL", "connected to " + where.where() + " as " + where.user() + ", "
                    + connection.getMetaData().getDatabaseProductVersion()));
            return connection;
        } catch (SQLException e) {
            items.add(CheckItem.failed("PostgreSQL", "cannot connect to " + where.where() + " as " + where.user() + ": "
                    + e.getMessage() + "; run walship check as the user PostgreSQL runs as, or set conninfo in [agent]"));
            return null;
        }
    }
}
