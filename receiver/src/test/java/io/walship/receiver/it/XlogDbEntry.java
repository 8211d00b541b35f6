package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** One line of Barman's xlog.db: {@code name\tsize\ttime\tcompression}. */
record XlogDbEntry(String name, long size, String time, String compression) {

    static List<XlogDbEntry> read(Path xlogDb) throws IOException {
        String text = Files.readString(xlogDb);
        assertTrue(text.isEmpty() || text.endsWith("\n"),
                "expected " + xlogDb + " to end with a newline, found: " + text);
        return text.lines().map(line -> parse(xlogDb, line)).toList();
    }

    private static XlogDbEntry parse(Path xlogDb, String line) {
        String[] fields = line.split("\t", -1);
        assertEquals(4, fields.length, "expected 4 tab-separated fields in " + xlogDb + " line <" + line + ">");
        assertTrue(fields[1].matches("\\d+"), "expected a decimal size in " + xlogDb + " line <" + line + ">");
        return new XlogDbEntry(fields[0], Long.parseLong(fields[1]), fields[2], fields[3]);
    }
}
