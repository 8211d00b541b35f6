package io.walship.agent.config;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The optional {@code --pgdata} of check and status: PostgreSQL's data directory, else $PGDATA as libpq's tools do. */
public final class PgdataOption {

    @Option(names = {"-D", "--pgdata"}, paramLabel = "DIR",
            description = "PostgreSQL's data directory (default: $PGDATA).")
    Path pgdata;

    public Optional<Path> resolve() {
        return Optional.ofNullable(pgdata).or(() -> Optional.ofNullable(System.getenv("PGDATA"))
                .filter(d -> !d.isBlank()).map(Path::of));
    }
}
