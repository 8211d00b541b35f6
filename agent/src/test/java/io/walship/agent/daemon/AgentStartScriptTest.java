package io.walship.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.walship.agent.Checkout;
import io.walship.agent.Walship;
import io.walship.agent.config.AgentConfig;
import io.walship.agent.spool.AgentPresence;
import io.walship.agent.spool.SpoolAccess;
import io.walship.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * How the launcher starts the agent for push (bin/lib/agent.sh): with the command line {@link AgentCommand} reads,
 * when start_agent says so as {@link AgentConfig} reads it, detached from archive_command, and what it makes of an
 * agent that exits at once, leaves the server to another, ships another data directory or never announces itself.
 * The "agents" here are small scripts in the launcher's place that behave like the real one in each case.
 */
class AgentStartScriptTest {

    private static final Path SCRIPT = Checkout.root().resolve("bin/lib/agent.sh");

    @TempDir
    Path dir;
    private Path pgdata;
    private Path spool;
    private Path config;
    private final List<Long> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        pgdata = Files.createDirectories(dir.resolve("data/pg_wal/archive_status")).getParent().getParent();
        for (String file : List.of("ca.crt", "pg1.crt", "pg1.key")) {
            Files.writeString(dir.resolve(file), "placeholder: only readability is checked when loading\n");
        }
        spool = dir.resolve("spool");
        config = writeConfig("spool_directory = " + spool + "\n");
    }

    @AfterEach
    void endAgents() {
        for (long pid : started) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void theAgentsCommandLineIsOneThatAgentCommandReads() throws Exception {
        List<String> args = Arrays.asList(bash("agent_args \"$1\" \"$2\"; printf '%s\\0' \"${agent_args[@]}\"",
                config.toString(), pgdata.toString()).split("\0"));

        CommandLine.ParseResult parsed = new CommandLine(new Walship()).parseArgs(args.toArray(String[]::new));

        Object command = parsed.subcommand().commandSpec().userObject();
        assertTrue(command instanceof AgentCommand, "expected " + args + " to run walship agent");
        AgentCommand agent = (AgentCommand) command;
        assertEquals(config, agent.config.path());
        assertEquals(pgdata, agent.pgdata);
        assertTrue(agent.onDemand, "expected " + args + " to start the agent " + AgentPresence.ON_DEMAND);
    }

    @Test
    void startAgentIsReadAsJavaReadsItAndYesByDefault() throws Exception {
        assertTrue(AgentConfig.DEFAULT_START_AGENT);
        assertEquals("0", wanted(writeConfig("")), "no start_agent");
        assertEquals("0", wanted(writeConfig("start_agent =\n")), "an empty start_agent");
        for (String value : List.of("yes", "YES", "on", "True", "1", "no", "No", "off", "FALSE", "0", "maybe", "2")) {
            Path file = writeConfig("start_agent = " + value + "\n");
            boolean java;
            try {
                java = AgentConfig.load(file).startAgent();
            } catch (ConfigException e) {
                // Java refuses the file: the launcher must not act on it, and leaves the push to Java.
                java = false;
            }
            assertEquals(java ? "0" : "1", wanted(file), "start_agent = " + value);
        }
        Files.delete(pgdata.resolve("pg_wal/archive_status"));
        assertEquals("1", wanted(writeConfig("")), "no agent for a directory that is not a data directory");
    }

    @Test
    void anAgentThatAnnouncesItselfRunsDetachedFromThePush() throws Exception {
        Path agent = fakeAgent("""
                printf '%s %s\\n' "$$" "$5" > "$SPOOL/agent.pid"
                echo "walship agent: shipping"
                exec bash -c 'sleep 60; :' io.walship.agent.Walship "$@"
                """);
        // A descriptor of PostgreSQL's that the agent must not keep.
        Start start = start(agent, 20, "exec 7</dev/null;");

        assertEquals("0", start.exitCode(), start.toString());
        assertEquals(start.agentPid(), start.started(), "expected the started agent to be the one that announced");
        long pid = Long.parseLong(start.agentPid());
        Path proc = Path.of("/proc", start.agentPid());
        assertEquals(List.of("0", "1", "2"), fds(proc), "expected the agent to keep only its standard streams");
        assertEquals(Path.of("/dev/null"), Files.readSymbolicLink(proc.resolve("fd/0")));
        assertEquals(spool.resolve("pg/agent.log"), Files.readSymbolicLink(proc.resolve("fd/1")));
        assertEquals(spool.resolve("pg/agent.log"), Files.readSymbolicLink(proc.resolve("fd/2")));
        assertEquals(String.valueOf(pid), field(proc, 5), "expected the agent to lead a session of its own");
        String cmdline = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
        assertTrue(cmdline.contains(" agent --config " + config + " --pgdata " + pgdata + " --on-demand"), cmdline);
        assertEquals("walship agent: shipping\n", Files.readString(spool.resolve("pg/agent.log")));
    }

    @Test
    void anAgentThatExitsAtOnceIsReportedWithTheLastLineOfItsLog() throws Exception {
        Path agent = fakeAgent("""
                echo "walship agent: /etc/walship/walship.conf:3: unknown key 'recever'"
                exit 2
                """);

        Start start = start(agent, 20, "");

        assertEquals("1", start.exitCode(), start.toString());
        assertEquals("it exited at once: walship agent: /etc/walship/walship.conf:3: unknown key 'recever'; log in "
                + spool.resolve("pg/agent.log"), start.problem());
    }

    @Test
    void anAgentThatFindsTheLockTakenLeavesTheServerToTheOneThatHoldsIt() throws Exception {
        Process other = startProcess("bash", "-c", "sleep 60; :", "io.walship.agent.Walship", "agent");
        Path agent = fakeAgent("""
                sleep 0.3
                printf '%s %s\\n' "$OTHER" "$5" > "$SPOOL/agent.pid"
                exit 0
                """.replace("$OTHER", String.valueOf(other.pid())));
        try {
            Start start = start(agent, 20, "");

            assertEquals("0", start.exitCode(), start.toString());
            assertEquals(String.valueOf(other.pid()), start.agentPid());
            assertEquals("", start.started(), "expected no start line from a push whose agent was not needed");
        } finally {
            other.destroyForcibly().waitFor();
        }
    }

    @Test
    void anAgentOfAnotherDataDirectoryIsNoAgentForThisOne() throws Exception {
        Path agent = fakeAgent("""
                printf '%s %s\\n' "$$" /srv/other/data > "$SPOOL/agent.pid"
                exec bash -c 'sleep 60; :' io.walship.agent.Walship "$@"
                """);

        Start start = start(agent, 20, "");

        assertEquals("1", start.exitCode(), start.toString());
        assertEquals("the agent of server 'pg' (pid " + start.agentPid() + ") ships /srv/other/data", start.problem());
    }

    @Test
    void anAgentThatNeverAnnouncesItselfIsGivenUpAfterAgentWait() throws Exception {
        Path agent = fakeAgent("exec bash -c 'sleep 60; :' io.walship.agent.Walship \"$@\"\n");

        Start start = start(agent, 1, "");

        assertEquals("1", start.exitCode(), start.toString());
        assertEquals("it did not announce itself within agent_wait (1 s); log in " + spool.resolve("pg/agent.log"),
                start.problem());
    }

    @Test
    void aSpoolThisUserCannotWriteIsWordedAsJavaWordsIt() throws Exception {
        // Even root cannot make a directory below a file.
        Path file = Files.writeString(dir.resolve("not-a-directory"), "");
        Path unwritable = writeConfig("spool_directory = " + file.resolve("spool") + "\n");
        Path agent = fakeAgent("exit 99\n");

        Start start = start(unwritable, agent, 20, "");

        assertEquals("1", start.exitCode(), start.toString());
        AgentConfig java = AgentConfig.load(unwritable);
        assertEquals(SpoolAccess.problem(java.spool(), unwritable).orElseThrow(), start.problem());
        assertEquals(SpoolAccess.describe(java.spool(), unwritable), start.problem());
        assertEquals("", start.agentPid(), "expected no agent to have been started");
    }

    // ---------------------------------------------------------------------------------------------------------

    private record Start(String exitCode, String started, String agentPid, String problem) {
    }

    private Start start(Path agent, int seconds, String before) throws Exception {
        return start(config, agent, seconds, before);
    }

    /** {@code agent_start} for the data directory with {@code agent} in the launcher's place, after {@code before}. */
    private Start start(Path conf, Path agent, int seconds, String before) throws Exception {
        String[] lines = bash(before + """
                spool_dir_of "$1" || exit 9
                spool_launcher=$2
                agent_start "$1" "$3" $(( ${EPOCHREALTIME/./} + $4 * 1000000 )) "$4"
                printf '%s\\n' "$?" "$agent_started" "${agent_pid:-}" "$agent_problem"
                """, conf.toString(), agent.toString(), pgdata.toString(), String.valueOf(seconds)).split("\n", -1);
        if (lines.length < 4) {
            fail("agent_start printed " + Arrays.toString(lines));
        }
        for (String pid : List.of(lines[1], lines[2])) {
            if (!pid.isEmpty()) {
                started.add(Long.parseLong(pid));
            }
        }
        return new Start(lines[0], lines[1], lines[2], lines[3]);
    }

    private String wanted(Path conf) throws Exception {
        return bash("ini_read \"$1\" agent; agent_wanted; echo $?", conf.toString()).strip();
    }

    /** A stand-in for bin/walship: {@code body} runs with the agent's arguments, SPOOL set to the server's spool. */
    private Path fakeAgent(String body) throws Exception {
        Path file = dir.resolve("fake-walship-" + started.size() + "-" + System.nanoTime());
        Files.writeString(file, "#!/usr/bin/env bash\nSPOOL=" + spool.resolve("pg") + "\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private Path writeConfig(String extra) throws Exception {
        return Files.writeString(dir.resolve("walship-" + System.nanoTime() + ".conf"), """
                [agent]
                receiver = 127.0.0.1:9433
                server = pg
                ca_file = ca.crt
                cert_file = pg1.crt
                key_file = pg1.key
                """ + extra);
    }

    private static List<String> fds(Path proc) throws Exception {
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
            return fds.map(fd -> fd.getFileName().toString()).sorted().toList();
        }
    }

    /** Field {@code index} (0-based) of /proc/PID/stat, past the command name in parentheses. */
    private static String field(Path proc, int index) throws Exception {
        String stat = Files.readString(proc.resolve("stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[index - 2];
    }

    /** Runs {@code script} in the data directory after sourcing bin/lib/agent.sh; its stdout. */
    private String bash(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "-c", ". \"$0\"\n" + script, SCRIPT.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(pgdata.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("bash did not finish within 60 s: " + script);
        }
        return output;
    }

    private static Process startProcess(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
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
