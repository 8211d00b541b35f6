package io.walship.receiver.store.barman;

import io.walship.receiver.compress.Compression;

/** One xlog.db entry in the 4-field form every Barman version reads: name, size, time, compression. */
public record XlogDbLine(String name, long storedSize, long mtimeNanos, Compression compression) {

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
