package io.walship.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.walship.agent.Checkout;
import io.walship.agent.config.AgentConfig;
import io.walship.agent.spool.AgentPresence;
import io.walship.agent.spool.ShippedRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's push fast path while an agent runs (bin/lib/shipped.sh and agent.sh, agent_await): with no record
 * yet, it waits for the record of a live agent that watches this data directory and is not held back, and otherwise
 * falls through to Java at once, saying in one line why when there was an agent to wait for. Presence files are
 * written by {@link AgentPresence}, as the agent writes them; the "agent" is a process whose command line reads like
 * one. The data directory here has no pg_wal/archive_status, so that no push starts an agent (AgentStartScriptTest).
 */
class AwaitAgentScriptTest {

    private static final String NAME = "00000001000000000000002A";
    private static final String SILENT = "";

    private static final String HELD = "walship push: the agent is held back by " + NAME + " (REJECTED: its header "
            + "names another cluster); sending " + NAME + " itself\n";

    @TempDir
    Path dir;
    private Path pgdata;
    private Path segment;
    private Path config;
    private ShippedRecords records;
    private AgentPresence presence;
    private Process agent;

    @BeforeEach
    void setUp() throws Exception {
        pgdata = Files.createDirectories(dir.resolve("data"));
        segment = Files.createDirectories(pgdata.resolve("pg_wal")).resolve(NAME);
        Files.write(segment, new byte[8192]);
        for (String file : List.of("ca.crt", "pg1.crt", "pg1.key")) {
            Files.writeString(dir.resolve(file), "placeholder: only readability is checked when loading\n");
        }
        config = writeConfig("");
        AgentConfig loaded = AgentConfig.load(config);
        records = new ShippedRecords(loaded.spool());
        presence = new AgentPresence(loaded.spool());
        agent = startProcess("bash", "-c", "sleep 120; :", "io.walship.agent.Walship", "agent");
    }

    @AfterEach
    void stopAgent() throws Exception {
        agent.destroyForcibly().waitFor();
    }

    @Test
    void waitsForTheRecordOfALiveAgentThatWatchesThisDataDirectory() throws Exception {
        presence.announce(agent.pid(), pgdata);
        Process push = startPush();
        assertTrue(!push.waitFor(700, TimeUnit.MILLISECONDS), () -> "expected push to wait for the agent, but it "
                + "finished with " + push.exitValue());

        records.record(NAME, ShippedRecords.stamp(segment));

        assertEquals(0, finish(push, SILENT), "expected the agent's record to answer the waiting push");
    }

    @Test
    void aRecordOfOtherBytesWrittenDuringTheWaitFallsThrough() throws Exception {
        presence.announce(agent.pid(), pgdata);
        Process push = startPush();
        assertTrue(!push.waitFor(300, TimeUnit.MILLISECONDS), "expected push to wait for the agent");

        records.record(NAME, "1 1.000000000");

        assertEquals(1, finish(push, SILENT));
    }

    @Test
    void aHeldBackAgentIsNotWaitedFor() throws Exception {
        presence.announce(agent.pid(), pgdata);
        presence.hold(NAME, "REJECTED: its header names another cluster");
        assertEquals(1, finish(startPush(), HELD), "expected push to send the file itself while the agent is held back");
    }

    @Test
    void theWaitEndsWhenTheAgentIsHeldBackOrExits() throws Exception {
        presence.announce(agent.pid(), pgdata);
        Process push = startPush();
        assertTrue(!push.waitFor(300, TimeUnit.MILLISECONDS), "expected push to wait for the agent");
        presence.hold(NAME, "REJECTED: its header names another cluster");
        assertEquals(1, finish(push, HELD));

        presence.release();
        push = startPush();
        assertTrue(!push.waitFor(300, TimeUnit.MILLISECONDS), "expected push to wait for the released agent");
        agent.destroyForcibly().waitFor();
        assertEquals(1, finish(push, "walship push: the agent (pid " + agent.pid() + ") stopped; sending " + NAME
                + " itself\n"));
    }

    @Test
    void noLiveAgentOrAnotherDataDirectoryOrAnotherProgramIsNotWaitedFor() throws Exception {
        assertEquals(1, finish(startPush(), SILENT), "no agent.pid");

        Path other = Files.createDirectories(dir.resolve("other-data"));
        presence.announce(agent.pid(), other);
        assertEquals(1, finish(startPush(), "walship push: the agent of server 'pg' (pid " + agent.pid() + ") ships "
                + other.toRealPath() + "; sending " + NAME + " itself\n"), "an agent of another data directory");

        Process sleeper = startProcess("sleep", "120");
        try {
            presence.announce(sleeper.pid(), pgdata);
            assertEquals(1, finish(startPush(), SILENT), "a pid that is not a walship agent");
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
        presence.announce(sleeper.pid(), pgdata);
        assertEquals(1, finish(startPush(), SILENT), "a pid that is gone");

        presence.announce(agent.pid(), pgdata);
        presence.withdraw();
        assertEquals(1, finish(startPush(), SILENT), "a withdrawn agent");
    }

    @Test
    void agentWaitBoundsTheWaitAndZeroTurnsItOff() throws Exception {
        presence.announce(agent.pid(), pgdata);
        config = writeConfig("agent_wait = 1\n");
        Process push = startPush();
        assertTrue(!push.waitFor(300, TimeUnit.MILLISECONDS), "expected push to wait up to agent_wait");
        assertEquals(1, finish(push, "walship push: the agent did not ship " + NAME + " within agent_wait (1 s); "
                + "sending " + NAME + " itself\n"), "expected push to give up after agent_wait = 1");

        config = writeConfig("agent_wait = 0\n");
        assertEquals(1, finish(startPush(), SILENT));
        assertEquals(30, AgentConfig.DEFAULT_AGENT_WAIT, "the launcher's default (bin/lib/shipped.sh) is 30");
    }

    // ---------------------------------------------------------------------------------------------------------

    private Path writeConfig(String extra) throws Exception {
        return Files.writeString(dir.resolve("walship.conf"), """
                [agent]
                receiver = 127.0.0.1:9433
                server = pg
                ca_file = ca.crt
                cert_file = pg1.crt
                key_file = pg1.key
                spool_directory = spool
                """ + extra);
    }

    /** {@code shipped_ahead push --config F pg_wal/NAME NAME} in the data directory, as archive_command runs. */
    private Process startPush() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", ". \"$0\"; shipped_ahead \"$@\"",
                Checkout.root().resolve("bin/lib/shipped.sh").toString(), "push", "--config", config.toString(),
                "pg_wal/" + NAME, NAME).directory(pgdata.toFile()).redirectErrorStream(true);
        builder.environment().remove(AgentConfig.ENVIRONMENT);
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    /** The exit status of {@code push}, once it printed {@code expected}: nothing, or the one line that says why. */
    private static int finish(Process push, String expected) throws Exception {
        if (!push.waitFor(20, TimeUnit.SECONDS)) {
            push.destroyForcibly();
            fail("shipped_ahead did not finish within 20 s");
        }
        String output = new String(push.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(expected, output);
        return push.exitValue();
    }

    private static Process startProcess(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        // The command line is what the script checks; it is in place once the process has started its program.
        Path cmdline = Path.of("/proc", Long.toString(process.pid()), "cmdline");
        String expected = String.join(" ", command);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.readString(cmdline).replace('\0', ' ').contains(expected)) {
            if (System.nanoTime() - deadline > 0) {
                process.destroyForcibly();
                fail("the process did not show the command line '" + expected + "' within 20 s");
            }
            Thread.sleep(5);
        }
        return process;
    }
}
