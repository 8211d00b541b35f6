package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The long-running processes on the PostgreSQL host, real processes beside a real receiver: walship agent and the
 * read-ahead of walship fetch log their start, log and survive SIGHUP, and stop on SIGTERM saying so, with an
 * ISO-8601 time and a level on every line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentSignalsIT {

    private static final String SERVER = "pg";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern LOG_LINE = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}[+-]\\d{2}:\\d{2} (INFO|WARNING|SEVERE) \\S.*");

    private final TestBed bed = new TestBed("walship-agent-signals-it-");
    private PostgresAgentDir agentDir;
    private ReceiverProcess receiver;

    @BeforeAll
    void startReceiver() throws IOException {
        CaDirectory certs = bed.ca("certs").issue("receiver", "127.0.0.1").issue("pg-agent");
        receiver = bed.startReceiver(ReceiverConfigFile.barmanHome(bed.directory("barman")).tls(certs, "receiver")
                .server(SERVER, "pg-agent"));
        agentDir = bed.postgresAgent(certs, "pg-agent");
    }

    @AfterAll
    void stopEverything() throws Exception {
        bed.close();
    }

    @Test
    void theAgentLogsSighupAndGoesOnAndStopsOnSigtermSayingSo() throws IOException {
        Path pgdata = bed.postgresDirectory("pgdata");
        Files.createDirectories(pgdata.resolve("pg_wal/archive_status"));
        RunAs.giveToPostgres(pgdata);
        Path config = agentDir.write("agent.conf", agentDir.config(SERVER, receiver.port())
                .set("spool_directory", bed.postgresDirectory("agent-spool")));

        try (AgentProcess agent = AgentProcess.start(bed.launcherForPostgres(), config, pgdata,
                bed.resolve("agent.log"), WAIT)) {
            agent.signal("HUP");
            awaitLine(agent::log, " INFO SIGHUP ignored: the agent reads " + config + " only at start");
            assertTrue(agent.alive(), agent.describe("died of SIGHUP"));

            agent.stop();

            assertEquals(0, agent.exitCode(), agent.describe("exited"));
            List<String> lines = agent.log().lines().toList();
            assertTrue(lines.getFirst().contains(" INFO walship agent "), lines.getFirst());
            assertTrue(lines.getFirst().contains(": shipping ready WAL of " + pgdata + " to 127.0.0.1:"
                    + receiver.port() + " for server 'pg', 2 at a time; configuration " + config), lines.getFirst());
            assertTrue(lines.stream().anyMatch(l -> l.contains(" INFO stopping on SIGTERM once the uploads under way "
                    + "are answered")), agent.describe("stopped"));
            assertTrue(lines.getLast().endsWith(" INFO stopped on SIGTERM"), agent.describe("stopped"));
            assertLogLines(lines);
        }
    }

    @Test
    void theReadAheadLogsSighupAndGoesOnAndStopsOnSigtermSayingSo() throws IOException {
        Path config = agentDir.write("prefetch.conf", agentDir.config(SERVER, receiver.port())
                .set("spool_directory", bed.directory("prefetch-spool")));
        try (Background prefetch = Background.start(List.of(bed.launcher().executable().toString(), "prefetch",
                "--config", config.toString()), bed.dir())) {
            awaitLine(prefetch::stderr, ": reading up to 8 segments ahead of recovery from 127.0.0.1:"
                    + receiver.port() + " for server 'pg'");

            Proc.check(List.of("kill", "-HUP", String.valueOf(prefetch.pid())), bed.dir(), WAIT);
            awaitLine(prefetch::stderr, " INFO SIGHUP ignored: the read-ahead reads " + config + " only at start");
            assertTrue(prefetch.alive(), prefetch.describe("died of SIGHUP"));
            Proc.check(List.of("kill", "-TERM", String.valueOf(prefetch.pid())), bed.dir(), WAIT);
            Proc.Result stopped = prefetch.await(WAIT);

            assertEquals(0, stopped.exitCode(), stopped.describe());
            List<String> lines = stopped.stderr().lines().toList();
            assertTrue(lines.stream().anyMatch(l -> l.endsWith(" INFO stopping on SIGTERM")), stopped.describe());
            assertTrue(lines.getLast().endsWith(" INFO stopped: SIGTERM"), stopped.describe());
            assertLogLines(lines);
        }
    }

    private interface Log {
        String read() throws IOException;
    }

    private static void awaitLine(Log log, String text) throws IOException {
        if (!PostgresCluster.poll(WAIT, () -> log.read().contains(text))) {
            fail("expected a log line with '" + text + "' within " + WAIT + ":\n" + log.read());
        }
    }

    private static void assertLogLines(List<String> lines) {
        for (String line : lines) {
            assertTrue(LOG_LINE.matcher(line).matches(), "not a log line: " + line);
        }
    }
}
