package io.walship.agent.spool;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/** The names in a directory of one-file-per-name records; a record being written (a dot file) is none yet. */
public final class RecordNames {

    private RecordNames() {
    }

    public static Set<String> in(Path dir) throws IOException {
        Set<String> names = new TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String file = entry.getFileName().toString();
                if (!file.startsWith(".")) {
                    names.add(file);
                }
            }
        }
        return names;
    }
}
