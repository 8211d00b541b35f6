package io.walship.agent.spool;

import io.walship.fs.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the launcher's push fast path (bin/lib/shipped.sh) reads to decide whether waiting for the agent's
 * record beats sending a file itself: {@code agent.pid} names the running agent and the data directory it
 * watches; {@code held} exists while the agent holds back behind a failing file, whose push must then go
 * to the receiver and report why. Neither needs to survive a crash: a dead pid or a stale file only means
 * that push sends the file itself.
 */
public final class AgentPresence {

    private final SpoolLayout spool;

    public AgentPresence(SpoolLayout spool) {
        this.spool = spool;
    }

    public void announce(long pid, Path pgdata) throws IOException {
        Files.deleteIfExists(spool.held());
        write(spool.agentPid(), pid + " " + pgdata.toRealPath());
    }

    public void withdraw() throws IOException {
        Files.deleteIfExists(spool.agentPid());
        Files.deleteIfExists(spool.held());
    }

    public void hold(String name) throws IOException {
        write(spool.held(), name);
    }

    public void release() throws IOException {
        Files.deleteIfExists(spool.held());
    }

    private void write(Path file, String line) throws IOException {
        Files.createDirectories(spool.dir());
        AtomicFile.replace(file, (line + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
