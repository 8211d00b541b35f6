package io.walship.receiver.store.barman;

import io.walship.receiver.compress.Compression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** One xlog.db entry in the 4-field form every Barman version reads: name, size, time, compression. */
public record XlogDbLine(String name, long storedSize, long mtimeNanos, Compression compression) {

    /** The first time an index line takes, and the first it no longer takes. */
    private static final Instant FIRST_TIME = Instant.ofEpochSecond(1);
    private static final Instant END_TIME = Instant.parse("2200-01-01T00:00:00Z");

    /** The entry of a stored file as Barman would index it: its name, stored size and codec, and the given time. */
    public static XlogDbLine of(Path stored, long mtimeNanos) throws IOException {
        return of(stored.getFileName().toString(), stored, mtimeNanos);
    }

    /** The entry of {@code name} whose stored bytes are in {@code file} (which may be its temp file still). */
    public static XlogDbLine of(String name, Path file, long mtimeNanos) throws IOException {
        return new XlogDbLine(name, Files.size(file), mtimeNanos, Compression.of(file));
    }

    /**
     * Whether a file time makes an index line: from a second after the epoch to the end of 2199. Barman writes the
     * time as Python prints a float, which goes into exponent notation for a nanosecond after the epoch (1e-09);
     * no WAL file is written near either end, so such a time is a client's mistake, refused before the file is
     * stored.
     */
    public static boolean isIndexable(long mtimeNanos) {
        Instant time = Instant.ofEpochSecond(Math.floorDiv(mtimeNanos, 1_000_000_000L),
                Math.floorMod(mtimeNanos, 1_000_000_000L));
        return !time.isBefore(FIRST_TIME) && time.isBefore(END_TIME);
    }

    /** The times {@link #isIndexable} takes, for messages. */
    public static String indexableRange() {
        return "from " + FIRST_TIME + " to before " + END_TIME;
    }

    public String format() {
        return name + '\t' + storedSize + '\t' + PythonFloat.repr(PythonFloat.epochSeconds(mtimeNanos)) + '\t'
                + compression.xlogDbName + '\n';
    }

    /** The name field of a line as found in the file. */
    public static String nameOf(String line) {
        int tab = line.indexOf('\t');
        return tab < 0 ? line.strip() : line.substring(0, tab);
    }
}
