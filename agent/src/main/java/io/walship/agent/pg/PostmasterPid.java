package io.walship.agent.pg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a running PostgreSQL writes into {@code <pgdata>/postmaster.pid}: its pid, data directory, start time,
 * port and first socket directory, one per line (PostgreSQL's {@code LOCK_FILE_LINE_*}).
 */
public record PostmasterPid(long pid, int port, Optional<Path> socketDirectory) {

    private static final int PID = 0;
    private static final int PORT = 3;
    private static final int SOCKET_DIR = 4;

    public static Optional<PostmasterPid> read(Path pgdata) throws IOException {
        try {
            return Optional.of(parse(Files.readAllLines(pgdata.resolve("postmaster.pid"))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * The postmaster's pid alone, from the first line: what tells whether the server still runs. Empty when there is
     * no postmaster.pid; an IOException while PostgreSQL is still writing it.
     */
    public static Optional<Long> readPid(Path pgdata) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(pgdata.resolve("postmaster.pid"));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(lines.getFirst().strip()));
        } catch (RuntimeException e) {
            throw new IOException("postmaster.pid names no pid (" + e.getMessage() + ")");
        }
    }

    static PostmasterPid parse(List<String> lines) throws IOException {
        try {
            long pid = Long.parseLong(lines.get(PID).strip());
            int port = Integer.parseInt(lines.get(PORT).strip());
            String socket = lines.size() > SOCKET_DIR ? lines.get(SOCKET_DIR).strip() : "";
            return new PostmasterPid(pid, port, socket.isEmpty() ? Optional.empty() : Optional.of(Path.of(socket)));
        } catch (RuntimeException e) {
            throw new IOException("postmaster.pid is not what a running PostgreSQL writes (" + e.getMessage() + ")");
        }
    }

    /** Its socket, or TCP on the loopback when it listens on none. */
    public ConnInfo connInfo() {
        return socketDirectory.map(dir -> ConnInfo.local(dir, port))
                .orElseGet(() -> ConnInfo.parse("host=localhost port=" + port));
    }
}
