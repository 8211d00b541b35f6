package io.walship.agent.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What the launcher's push fast path (bin/lib/shipped.sh) reads to decide whether waiting for the agent's
 * record beats sending a file itself: {@code agent.pid} names the running agent and the data directory it
 * watches; {@code held} exists while the agent holds back behind a failing file, whose push must then go
 * to the receiver and report why. Neither needs to survive a crash: a dead pid or a stale file only means
 * that push sends the file itself.
 */
final class AgentPresence {

    static final String PID = "agent.pid";
    static final String HELD = "held";

    private final Path dir;

    AgentPresence(Path dir) {
        this.dir = dir;
    }

    void announce(long pid, Path pgdata) throws IOException {
        Files.deleteIfExists(dir.resolve(HELD));
        write(PID, pid + " " + pgdata.toRealPath());
    }

    void withdraw() throws IOException {
        Files.deleteIfExists(dir.resolve(PID));
        Files.deleteIfExists(dir.resolve(HELD));
    }

    void hold(String name) throws IOException {
        write(HELD, name);
    }

    void release() throws IOException {
        Files.deleteIfExists(dir.resolve(HELD));
    }

    private void write(String file, String line) throws IOException {
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + file + ".tmp");
        Files.writeString(temp, line + "\n", StandardCharsets.UTF_8);
        Files.move(temp, dir.resolve(file), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
