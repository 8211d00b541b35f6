package io.walship.agent.daemon;

import io.walship.agent.pg.PostmasterPid;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * Whether the PostgreSQL server of a data directory has stopped, as its postmaster.pid tells: an agent that
 * walship push started ships for that server alone and must not outlive it. A clean shutdown removes the file
 * last, after the archiver's final round; a crash leaves it behind, naming a pid that is gone.
 */
final class PostgresWatch {

    /** Often enough that an agent leaves soon after its server, rarely enough to cost nothing. */
    static final Duration INTERVAL = Duration.ofSeconds(5);

    private final Path pgdata;
    private final LongPredicate alive;

    PostgresWatch(Path pgdata) {
        this(pgdata, pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    PostgresWatch(Path pgdata, LongPredicate alive) {
        this.pgdata = pgdata;
        this.alive = alive;
    }

    /** Why the server counts as stopped; empty while it runs, or while its postmaster.pid is still being written. */
    Optional<String> stopped() {
        Optional<Long> pid;
        try {
            pid = PostmasterPid.readPid(pgdata);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (pid.isEmpty()) {
            return Optional.of("its postmaster.pid is gone");
        }
        return alive.test(pid.get()) ? Optional.empty()
                : Optional.of("its postmaster.pid names pid " + pid.get() + ", which is gone");
    }

    /** Looks every {@link #INTERVAL} until the server has stopped, then hands {@code stop} the reason. */
    void watch(Consumer<String> stop) {
        try {
            while (true) {
                Thread.sleep(INTERVAL);
                Optional<String> why = stopped();
                if (why.isPresent()) {
                    stop.accept(why.get());
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
