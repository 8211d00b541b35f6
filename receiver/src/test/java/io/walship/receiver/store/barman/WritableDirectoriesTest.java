package io.walship.receiver.store.barman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.walship.config.ConfigException;
import io.walship.receiver.compress.Compression;
import io.walship.receiver.config.BarmanServer;
import io.walship.receiver.config.ServerDirectories;
import io.walship.receiver.config.XlogDbGeneration;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up check of where the store writes; WritableDirectoriesIT runs it against permissions. */
class WritableDirectoriesTest {

    @TempDir
    Path home;

    private BarmanServer server() {
        return new BarmanServer("pg", Set.of("pg1"), Compression.NONE, "test", ServerDirectories.defaults(home, "pg"),
                XlogDbGeneration.WALS_XLOG_DB);
    }

    @Test
    void aServerNotArchivedYetPassesAndNothingIsLeftBehind() throws Exception {
        WritableDirectories.check(List.of(server()));

        try (Stream<Path> left = Files.list(home)) {
            assertEquals(List.of(), left.toList(), "the check creates nothing");
        }
    }

    @Test
    void aFileWhereTheStoreNeedsADirectoryIsNamed() throws IOException {
        Files.createDirectories(home.resolve("pg"));
        Files.writeString(home.resolve("pg").resolve("wals"), "not a directory");

        ConfigException e = assertThrows(ConfigException.class, () -> WritableDirectories.check(List.of(server())));

        assertEquals("server 'pg': wals_directory " + home.resolve("pg/wals") + ": " + home.resolve("pg/wals")
                + " is not a directory; fix the path or what is there", e.getMessage());
    }

    @Test
    void theSystemsReasonIsWordedAsTheSystemWordsIt() {
        assertEquals("Permission denied", WritableDirectories.reason(new AccessDeniedException("/x")));
        assertEquals("No such file or directory", WritableDirectories.reason(new NoSuchFileException("/x")));
        assertEquals("Read-only file system",
                WritableDirectories.reason(new FileSystemException("/x", null, "Read-only file system")));
    }
}
