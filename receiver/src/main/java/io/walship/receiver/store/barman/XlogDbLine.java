package io.walship.receiver.store.barman;

import io.walship.receiver.compress.Compression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One xlog.db entry in the 4-field form every Barman version reads: name, size, time, compression. */
public record XlogDbLine(String name, long storedSize, long mtimeNanos, Compression compression) {

    /** The entry of a stored file as Barman would index it: its name, stored size and codec, and the given time. */
    public static XlogDbLine of(Path stored, long mtimeNanos) throws IOException {
        return new XlogDbLine(stored.getFileName().toString(), Files.size(stored), mtimeNanos, Compression.of(stored));
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
