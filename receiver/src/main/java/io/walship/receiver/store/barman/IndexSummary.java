package io.walship.receiver.store.barman;

import io.walship.receiver.config.BarmanServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Optional;

/**
 * What a server's xlog.db says at a glance: its last line (the newest file in name order, with the time the index
 * gives it) and how many files, and stored bytes, it lists with a time since a given instant. Read without
 * Barman's lock, so that a glance never waits behind a barman command; a last line without its newline (an append
 * under way, a crash) is not taken.
 *
 * @param index the file read
 * @param lastName the name on the last whole line; empty when the index lists nothing
 * @param lastTime the time of that line
 */
public record IndexSummary(Path index, Optional<String> lastName, Optional<Instant> lastTime, long filesSince,
        long storedBytesSince) {

    public static IndexSummary read(BarmanServer server, Instant since) throws IOException {
        Path index = XlogDb.asFound(server.serverXlogDb(), server.walsXlogDb());
        String text;
        try {
            text = Files.readString(index, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new IndexSummary(index, Optional.empty(), Optional.empty(), 0, 0);
        }
        Optional<Entry> last = Optional.empty();
        long files = 0;
        long bytes = 0;
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
            Optional<Entry> entry = Entry.parse(line);
            if (entry.isEmpty()) {
                continue;
            }
            last = entry;
            if (!entry.get().time().isBefore(since)) {
                files++;
                bytes += entry.get().storedSize();
            }
        }
        return new IndexSummary(index, last.map(Entry::name), last.map(Entry::time), files, bytes);
    }

    /** The fields of a line this summary reads: name, stored size and time (as Python prints a float). */
    private record Entry(String name, long storedSize, Instant time) {

        static Optional<Entry> parse(String line) {
            String[] fields = line.split("\t");
            if (fields.length < 3) {
                return Optional.empty();
            }
            try {
                BigDecimal seconds = new BigDecimal(fields[2]);
                Instant time = Instant.ofEpochSecond(seconds.longValue(),
                        seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
                return Optional.of(new Entry(fields[0], Long.parseLong(fields[1]), time));
            } catch (NumberFormatException | DateTimeException e) {
                return Optional.empty();
            }
        }
    }
}
