package io.walship.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When an agent that walship push started counts its PostgreSQL as stopped: postmaster.pid gone, or its pid dead. */
class PostgresWatchTest {

    private static final String RUNNING = "4242\n/var/lib/postgresql/15/main\n1764590000\n5432\n/var/run/postgresql\n";

    @TempDir
    Path pgdata;

    @Test
    void aServerWhosePostmasterLivesRuns() throws Exception {
        Files.writeString(pgdata.resolve("postmaster.pid"), RUNNING);

        assertEquals(Optional.empty(), new PostgresWatch(pgdata, pid -> pid == 4242).stopped());
    }

    @Test
    void noPostmasterPidIsAStoppedServer() {
        assertEquals(Optional.of("its postmaster.pid is gone"), new PostgresWatch(pgdata, pid -> true).stopped());
    }

    @Test
    void aPostmasterPidLeftByACrashNamesAPidThatIsGone() throws Exception {
        Files.writeString(pgdata.resolve("postmaster.pid"), RUNNING);

        assertEquals(Optional.of("its postmaster.pid names pid 4242, which is gone"),
                new PostgresWatch(pgdata, pid -> false).stopped());
    }

    @Test
    void aPostmasterPidStillBeingWrittenIsNoReasonToStop() throws Exception {
        Files.writeString(pgdata.resolve("postmaster.pid"), "");
        assertEquals(Optional.empty(), new PostgresWatch(pgdata, pid -> false).stopped());

        Files.writeString(pgdata.resolve("postmaster.pid"), "42");
        assertEquals(Optional.of("its postmaster.pid names pid 42, which is gone"),
                new PostgresWatch(pgdata, pid -> false).stopped(), "the pid is all it needs");
    }

    @Test
    void theRealProcessTableDecidesByDefault() throws Exception {
        Process process = new ProcessBuilder("sleep", "60").start();
        try {
            Files.writeString(pgdata.resolve("postmaster.pid"), process.pid() + "\n");
            assertEquals(Optional.empty(), new PostgresWatch(pgdata).stopped());
        } finally {
            process.destroyForcibly();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS));
        }
        assertEquals(Optional.of("its postmaster.pid names pid " + process.pid() + ", which is gone"),
                new PostgresWatch(pgdata).stopped());
    }
}
