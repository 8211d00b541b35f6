package io.walship.agent.spool;

import io.walship.fs.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.Optional;

/**
 * The last failure of {@code walship push} for a server, with the message PostgreSQL's log has too, so that
 * {@code walship status} can say why without the log: {@code TIME NAME} on the first line, the message on the
 * second. PostgreSQL's pg_stat_archiver knows when and which file, never why.
 */
public final class LastFailure {

    public record Seen(Instant when, String name, String message) {
    }

    private final SpoolLayout spool;

    public LastFailure(SpoolLayout spool) {
        this.spool = spool;
    }

    public void record(String name, String message, Instant when) throws IOException {
        Files.createDirectories(spool.dir());
        AtomicFile.replace(spool.lastFailure(), (when + " " + name + "\n" + message.replace('\n', ' ') + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    public Optional<Seen> read() throws IOException {
        String text;
        try {
            text = Files.readString(spool.lastFailure(), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        String[] lines = text.split("\n", 2);
        String[] first = lines[0].split(" ", 2);
        try {
            return Optional.of(new Seen(Instant.parse(first[0]), first.length > 1 ? first[1] : "",
                    lines.length > 1 ? lines[1].strip() : ""));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
