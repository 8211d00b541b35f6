package io.walship.receiver.store.barman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.protocol.CheckItem;
import io.walship.receiver.compress.Compression;
import io.walship.receiver.config.BarmanServer;
import io.walship.receiver.config.ServerDirectories;
import io.walship.receiver.config.XlogDbGeneration;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveCheckTest {

    private static final WalFileName SEGMENT = WalFileName.parse("000000010000000000000005");

    @TempDir
    Path home;

    private ArchiveCheck check() {
        BarmanServer server = new BarmanServer("pg", Set.of("pg1"), Compression.GZIP, "test",
                ServerDirectories.defaults(home, "pg"), XlogDbGeneration.WALS_XLOG_DB);
        return new ArchiveCheck(server, new HashDirLayout(server.directories().walsDirectory()));
    }

    private static CheckItem item(List<CheckItem> items, String name) {
        return items.stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aFreshBarmanHomeIsWritableAndLeavesNoProbeBehind() throws IOException {
        List<CheckItem> items = check().run(Optional.empty());

        assertEquals(List.of(ArchiveCheck.DIRECTORIES, ArchiveCheck.LOCK, ArchiveCheck.SPACE),
                items.stream().map(CheckItem::name).toList());
        assertTrue(item(items, ArchiveCheck.DIRECTORIES).passed(), items.toString());
        assertTrue(item(items, ArchiveCheck.LOCK).passed(), items.toString());
        try (Stream<Path> files = Files.walk(home)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith(".walship-check"))
                    .toList());
        }
    }

    @Test
    void aFileWhereADirectoryBelongsFails() throws IOException {
        Files.writeString(home.resolve("pg"), "x");

        CheckItem directories = item(check().run(Optional.empty()), ArchiveCheck.DIRECTORIES);

        assertEquals(CheckItem.Status.FAILED, directories.status());
        assertTrue(directories.detail().contains(home.resolve("pg") + " is not a directory"), directories.detail());
    }

    @Test
    void aLockHeldElsewhereIsNoProblem() throws IOException {
        Path lock = home.resolve(".pg-xlogdb.lock");
        try (Flock held = Flock.acquire(lock, Duration.ofSeconds(1), () -> { })) {
            CheckItem item = item(check().run(Optional.empty()), ArchiveCheck.LOCK);

            assertTrue(item.passed(), item.toString());
            assertTrue(item.detail().contains("is held right now"), item.detail());
        }
    }

    @Test
    void aStoredFileIsReportedAndAMissingOneFails() throws IOException {
        assertEquals(CheckItem.Status.FAILED, check().run(Optional.of(SEGMENT)).getLast().status());
        Path dir = Files.createDirectories(home.resolve("pg/wals/0000000100000000"));
        Files.write(dir.resolve(SEGMENT.name()), new byte[42]);

        CheckItem stored = check().run(Optional.of(SEGMENT)).getLast();

        assertEquals("stored " + SEGMENT.name(), stored.name());
        assertTrue(stored.passed() && stored.detail().startsWith("42 bytes, "), stored.toString());
    }
}
