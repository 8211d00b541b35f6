package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code walship agent} running in the background as the PostgreSQL OS user, its output in a log file. The launcher
 * execs the JVM, so the agent is the one java process below the {@code runuser} this starts (or the process itself
 * for a normal user). Closing it ends it, whatever state it is in.
 */
final class AgentProcess implements AutoCloseable {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final List<String> command;
    private final Process process;
    private final Path log;

    private AgentProcess(List<String> command, Process process, Path log) {
        this.command = command;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code launcher agent --config CONFIG --pgdata PGDATA} and waits until it says it ships. */
    static AgentProcess start(Path launcher, Path config, Path pgdata, Path log, Duration timeout) throws IOException {
        List<String> command = RunAs.postgres(List.of(launcher.toString(), "agent", "--config", config.toString(),
                "--pgdata", pgdata.toString()));
        Process process = new ProcessBuilder(command).directory(pgdata.getParent().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        AgentProcess agent = new AgentProcess(List.copyOf(command), process, log);
        try {
            boolean started = PostgresCluster.poll(timeout, () -> {
                if (!process.isAlive()) {
                    fail(agent.describe("exited before it started shipping"));
                }
                return agent.log().contains(": shipping ready WAL of ");
            });
            if (!started) {
                fail(agent.describe("did not log that it ships ready WAL within " + timeout));
            }
        } catch (IOException | RuntimeException | Error e) {
            agent.close();
            throw e;
        }
        return agent;
    }

    Path logFile() {
        return log;
    }

    /** Everything the agent wrote so far. */
    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** How many lines of the log contain {@code text}. */
    long logLines(String text) throws IOException {
        return log().lines().filter(line -> line.contains(text)).count();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The agent's JVM (the launcher execs it, below runuser when the tests run as root). */
    ProcessHandle jvm() throws IOException {
        if (!RunAs.root()) {
            return process.toHandle();
        }
        Optional<ProcessHandle> java = process.descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst();
        return java.orElseGet(() -> fail(describeUnchecked("has no java process below " + process.pid())));
    }

    /** SIGKILL to the JVM: no shutdown hook, no clean-up, as in a crash. */
    void kill() throws IOException {
        jvm().destroyForcibly();
        awaitExit();
    }

    /** Sends the agent's JVM {@code signal} (HUP, TERM), as kill(1) does. */
    void signal(String signal) throws IOException {
        Proc.check(List.of("kill", "-" + signal, String.valueOf(jvm().pid())), Path.of("/"), Duration.ofSeconds(10));
    }

    /** The exit code of a stopped agent. */
    int exitCode() {
        return process.exitValue();
    }

    /** SIGTERM to the JVM, so that its shutdown hook runs; fails if it does not end in time. */
    void stop() throws IOException {
        if (!process.isAlive()) {
            return;
        }
        jvm().destroy();
        awaitExit();
    }

    private void awaitExit() throws IOException {
        boolean exited = PostgresCluster.poll(STOP_TIMEOUT, () -> !process.isAlive());
        if (!exited) {
            fail(describe("did not exit within " + STOP_TIMEOUT + " of a signal"));
        }
    }

    String describe(String what) throws IOException {
        return "agent " + command + " " + what + (process.isAlive() ? "" : " (exit code " + process.exitValue() + ")")
                + "\n--- agent log " + log + " (tail) ---\n" + Tail.of(log(), 60);
    }

    private String describeUnchecked(String what) {
        try {
            return describe(what);
        } catch (IOException e) {
            return "agent " + command + " " + what + " (its log " + log + " is unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws IOException {
        if (!process.isAlive()) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                fail("agent " + command + " still runs 15 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping " + command, e);
        }
    }

    /**
     * Java processes whose command line runs {@code walship agent --config CONFIG}: agents this test started, also
     * those {@code walship push} started in the background (start_agent = yes), which are no child of the test.
     */
    static List<ProcessHandle> agentsFor(Path config) {
        String needle = " agent --config " + config;
        List<ProcessHandle> found = new ArrayList<>();
        ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .filter(p -> p.info().commandLine().map(line -> line.contains(needle)).orElse(false))
                .forEach(found::add);
        return found;
    }

    /** Ends the agents of {@link #agentsFor}, by process id: SIGTERM, then SIGKILL if one still runs after 15 s. */
    static void endAgentsFor(Path config) throws IOException {
        List<ProcessHandle> agents = agentsFor(config);
        agents.forEach(ProcessHandle::destroy);
        boolean ended = PostgresCluster.poll(Duration.ofSeconds(15), () -> agents.stream().noneMatch(ProcessHandle::isAlive));
        if (!ended) {
            agents.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            PostgresCluster.poll(Duration.ofSeconds(15), () -> agents.stream().noneMatch(ProcessHandle::isAlive));
        }
    }
}
