package io.walship.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.agent.config.AgentConfig;
import io.walship.agent.spool.SpoolAccess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code walship agent}: what it refuses before it starts shipping, and where it keeps its files. */
class AgentCommandTest {

    @TempDir
    Path dir;
    private Path config;

    @BeforeEach
    void configuration() throws Exception {
        for (String file : List.of("ca.crt", "pg1.crt", "pg1.key")) {
            Files.writeString(dir.resolve(file), "placeholder\n");
        }
        config = Files.writeString(dir.resolve("walship.conf"), """
                [agent]
                receiver = 127.0.0.1:9433
                server = pg
                ca_file = ca.crt
                cert_file = pg1.crt
                key_file = pg1.key
                spool_directory = spool
                push_concurrency = 3
                """);
    }

    @Test
    void aDataDirectoryWithoutArchiveStatusIsAUsageError() throws Exception {
        Path notPgdata = Files.createDirectories(dir.resolve("not-pgdata"));

        Run run = agent("--config", config.toString(), "--pgdata", notPgdata.toString());

        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("walship agent: " + notPgdata + " has no pg_wal/archive_status"),
                run.stderr());
    }

    @Test
    void aBrokenConfigurationIsAUsageError() throws Exception {
        Path pgdata = Files.createDirectories(dir.resolve("data/pg_wal/archive_status")).getParent().getParent();
        Path broken = Files.writeString(dir.resolve("broken.conf"), "[agent]\nserver = pg\npush_concurency = 3\n");

        Run run = agent("--config", broken.toString(), "--pgdata", pgdata.toString());

        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().startsWith("walship agent: ") && run.stderr().contains("push_concurency"),
                run.stderr());
    }

    @Test
    void aSpoolItCannotWriteIsOneLineNamingTheSetting() throws Exception {
        Path pgdata = Files.createDirectories(dir.resolve("data/pg_wal/archive_status")).getParent().getParent();
        // Even root cannot make a directory below a file.
        Path file = Files.writeString(dir.resolve("a-file"), "");
        Path unwritable = Files.writeString(dir.resolve("unwritable.conf"), Files.readString(config)
                .replace("spool_directory = spool", "spool_directory = " + file.resolve("spool")));

        Run run = agent("--config", unwritable.toString(), "--pgdata", pgdata.toString(), "--on-demand");

        assertEquals(2, run.exitCode());
        assertEquals("walship agent: " + SpoolAccess.describe(AgentConfig.load(unwritable).spool(), unwritable) + "\n",
                run.stderr());
    }

    @Test
    void theDataDirectoryIsRequired() {
        Run run = agent("--config", config.toString());

        assertEquals(2, run.exitCode(), "picocli's usage error code");
    }

    @Test
    void recordsLockAndLogLiveInTheServersSpoolDirectory() throws Exception {
        AgentConfig agent = AgentConfig.load(config);

        assertEquals(dir.resolve("spool/pg"), agent.spool().dir());
        assertEquals(dir.resolve("spool/pg/shipped"), agent.spool().shippedDir());
        assertEquals(dir.resolve("spool/pg/.agent.lock"), agent.spool().agentLock());
        assertEquals(dir.resolve("spool/pg/agent.log"), agent.spool().agentLog());
        assertEquals(3, agent.pushConcurrency());
    }

    private record Run(int exitCode, String stderr) {
    }

    private static Run agent(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream err = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setErr(err);
            CommandLine commandLine = new CommandLine(new AgentCommand());
            commandLine.setErr(new java.io.PrintWriter(err, true));
            int code = commandLine.execute(args);
            return new Run(code, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }
}
