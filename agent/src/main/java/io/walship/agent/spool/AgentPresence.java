package io.walship.agent.spool;

import io.walship.fs.AtomicFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the launcher's push fast path (bin/lib/shipped.sh) reads to decide whether waiting for the agent's
 * record beats sending a file itself: {@code agent.pid} names the running agent and the data directory it
 * watches; {@code held} exists while the agent holds back behind a failing file, whose push must then go
 * to the receiver and report why (its first line names that file, its second says why, for check and
 * status). Neither needs to survive a crash: a dead pid or a stale file only means that push sends the file
 * itself.
 */
public final class AgentPresence {

    /**
     * The option of {@code walship agent} that the launcher starts it with (bin/lib/agent.sh): an agent started on
     * demand is known by it in its command line, as the launcher knows a live agent by its main class.
     */
    public static final String ON_DEMAND = "--on-demand";

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

    public void hold(String name, String why) throws IOException {
        write(spool.held(), name + "\n" + why.replace('\n', ' '));
    }

    public void release() throws IOException {
        Files.deleteIfExists(spool.held());
    }

    /**
     * What a running agent announced: its pid, the data directory it ships, the file it is held back by and why, if
     * it is, and whether walship push started it ({@link #ON_DEMAND}).
     */
    public record Seen(long pid, Path pgdata, Optional<String> heldBy, String why, Optional<Instant> heldSince,
            boolean onDemand) {
    }

    /**
     * The agent as its files show it, when it runs: its lock is held for as long as it lives, so a stale
     * {@code agent.pid} of one that crashed does not count.
     */
    public Optional<Seen> look() throws IOException {
        if (!Files.exists(spool.agentLock())) {
            return Optional.empty();
        }
        try (FileChannel channel = FileChannel.open(spool.agentLock(), StandardOpenOption.WRITE);
                FileLock free = channel.tryLock()) {
            if (free != null) {
                return Optional.empty();
            }
        }
        String[] announced = read(spool.agentPid()).orElse("0 ?").split(" ", 2);
        long pid = announced[0].chars().allMatch(Character::isDigit) ? Long.parseLong(announced[0]) : 0;
        Optional<String> held = read(spool.held());
        Optional<Instant> since = Optional.empty();
        if (held.isPresent()) {
            try {
                since = Optional.of(Files.getLastModifiedTime(spool.held()).toInstant());
            } catch (NoSuchFileException e) {
                held = Optional.empty();
            }
        }
        String[] lines = held.orElse("").split("\n", 2);
        return Optional.of(new Seen(pid, Path.of(announced.length > 1 ? announced[1] : "?"),
                held.map(h -> lines[0]), lines.length > 1 ? lines[1] : "", since, pid != 0 && onDemand(pid)));
    }

    private static boolean onDemand(long pid) {
        return ProcessHandle.of(pid).flatMap(process -> process.info().arguments())
                .map(arguments -> List.of(arguments).contains(ON_DEMAND)).orElse(false);
    }

    private static Optional<String> read(Path file) throws IOException {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private void write(Path file, String line) throws IOException {
        Files.createDirectories(spool.dir());
        AtomicFile.replace(file, (line + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
