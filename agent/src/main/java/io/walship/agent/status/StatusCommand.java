package io.walship.agent.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.walship.agent.config.AgentConfig;
import io.walship.agent.config.ConfigOption;
import io.walship.agent.config.PgdataOption;
import io.walship.cli.StatusJson;
import io.walship.config.ConfigException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code walship status}: how far behind the archive is, what the agent does, and what failed last. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows where archiving of this PostgreSQL host stands.", "",
            "The last archived WAL file and when, the archive lag (WAL written since the end of the last archived "
                + "segment, the complete segments among it and how long the oldest has waited), the .ready backlog, "
                + "the agent, and the last failure with walship push's message. Exits 0, or 1 when PostgreSQL "
                + "cannot be asked."},
        footer = {"", "Examples:", "  walship status --pgdata /var/lib/postgresql/15/main",
            "  walship status --json --pgdata /var/lib/postgresql/15/main"})
public final class StatusCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Mixin
    PgdataOption pgdata;

    @Option(names = "--json", description = "One JSON object, keys in snake case; unknown values are null.")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        AgentConfig agent;
        try {
            agent = config.load();
        } catch (ConfigException e) {
            System.err.println("walship status: " + e.getMessage());
            return 2;
        }
        Optional<Path> dataDirectory = pgdata.resolve();
        ServerStatus status = new StatusReader(agent, dataDirectory, Instant.now()).read();
        System.out.print(json ? StatusJson.MAPPER.writeValueAsString(status) + System.lineSeparator()
                : StatusText.of(status));
        return status.problem() == null ? 0 : 1;
    }
}
