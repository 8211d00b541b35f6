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
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveCheckTest {

    private static final long GIB = 1L << 30;
    private static final WalFileName SEGMENT = WalFileName.parse("000000010000000000000005");

    @TempDir
    Path home;

    private ArchiveCheck check() {
        BarmanServer server = server(ServerDirectories.defaults(home, "pg"));
        return new ArchiveCheck(server, new HashDirLayout(server.directories().walsDirectory()));
    }

    private ArchiveCheck check(ArchiveCheck.SpaceProbe space) {
        BarmanServer server = server(ServerDirectories.defaults(home, "pg"));
        return new ArchiveCheck(server, new HashDirLayout(server.directories().walsDirectory()), space);
    }

    /** Barman's defaults, but the lock in {@code lockDirectory}, as barman_lock_directory puts it. */
    private ArchiveCheck checkWithLocksIn(Path lockDirectory) {
        ServerDirectories defaults = ServerDirectories.defaults(home, "pg");
        BarmanServer server = server(new ServerDirectories(defaults.backupDirectory(), defaults.walsDirectory(),
                defaults.xlogdbDirectory(), lockDirectory, defaults.errorsDirectory()));
        return new ArchiveCheck(server, new HashDirLayout(server.directories().walsDirectory()));
    }

    private static BarmanServer server(ServerDirectories directories) {
        return new BarmanServer("pg", Set.of("pg1"), Compression.GZIP, "test", directories,
                XlogDbGeneration.WALS_XLOG_DB);
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

    /** As the archive directories, where the first upload creates them (BarmanStoreTest holds that it does). */
    @Test
    void aMissingLockDirectoryIsOneTheFirstUploadCreates() {
        Path locks = home.resolve("locks");

        List<CheckItem> items = checkWithLocksIn(locks).run(Optional.empty());

        CheckItem lock = item(items, ArchiveCheck.LOCK);
        assertEquals(CheckItem.Status.OK, lock.status(), lock.toString());
        assertEquals(locks + " does not exist yet; the first upload creates it", lock.detail());
        assertEquals(CheckItem.Status.OK, item(items, ArchiveCheck.DIRECTORIES).status());
    }

    /** A file where the lock directory belongs: nothing can be created in it, whoever the receiver runs as. */
    @Test
    void aLockDirectoryNothingCanBeCreatedInFails() throws IOException {
        Path locks = Files.writeString(home.resolve("locks"), "not a directory\n");

        List<CheckItem> items = checkWithLocksIn(locks).run(Optional.empty());

        CheckItem lock = item(items, ArchiveCheck.LOCK);
        assertEquals(CheckItem.Status.FAILED, lock.status(), lock.toString());
        assertEquals("cannot lock " + locks.resolve(".pg-xlogdb.lock") + ": Not a directory; check that Barman's lock directory is on a local file system "
                + "writable by the receiver", lock.detail());
        CheckItem directories = item(items, ArchiveCheck.DIRECTORIES);
        assertEquals(CheckItem.Status.FAILED, directories.status(), directories.toString());
        assertTrue(directories.detail().contains("barman_lock_directory " + locks + ": " + locks
                + " is not a directory"), directories.detail());
    }

    @Test
    void lessThanOneGibFreeFails() {
        List<Path> asked = new ArrayList<>();

        CheckItem space = item(check(dir -> {
            asked.add(dir);
            return new ArchiveCheck.Space(GIB / 2, 100 * GIB);
        }).run(Optional.empty()), ArchiveCheck.SPACE);
        CheckItem justBelow = item(check(dir -> new ArchiveCheck.Space(ArchiveCheck.FAILED_BELOW - 1, 2 * GIB))
                .run(Optional.empty()), ArchiveCheck.SPACE);

        assertEquals(CheckItem.Status.FAILED, space.status(), space.toString());
        assertEquals(List.of(home), asked, "the nearest existing directory of wals_directory");
        assertEquals("0.5 GiB free of 100.0 GiB under " + home + "; uploads fail once it is full: free space or "
                + "expire old backups (barman delete, retention_policy)", space.detail());
        assertEquals(CheckItem.Status.FAILED, justBelow.status(), justBelow.toString());
    }

    @Test
    void underTenPercentFreeIsAWarning() {
        CheckItem space = item(check(dir -> new ArchiveCheck.Space(5 * GIB, 100 * GIB)).run(Optional.empty()),
                ArchiveCheck.SPACE);

        assertEquals(CheckItem.warning(ArchiveCheck.SPACE, "5.0 GiB free of 100.0 GiB under " + home
                + ", under 10%; free space soon"), space);
    }

    @Test
    void oneGibAndTenPercentFreeAreEnough() {
        CheckItem small = item(check(dir -> new ArchiveCheck.Space(ArchiveCheck.FAILED_BELOW, 2 * GIB))
                .run(Optional.empty()), ArchiveCheck.SPACE);
        CheckItem large = item(check(dir -> new ArchiveCheck.Space(10 * GIB, 100 * GIB)).run(Optional.empty()),
                ArchiveCheck.SPACE);

        assertEquals(CheckItem.ok(ArchiveCheck.SPACE, "1.0 GiB free of 2.0 GiB under " + home), small);
        assertEquals(CheckItem.ok(ArchiveCheck.SPACE, "10.0 GiB free of 100.0 GiB under " + home), large);
    }

    @Test
    void freeSpaceThatCannotBeReadFails() {
        CheckItem space = item(check(dir -> {
            throw new AccessDeniedException(dir.toString());
        }).run(Optional.empty()), ArchiveCheck.SPACE);

        assertEquals(CheckItem.failed(ArchiveCheck.SPACE, "cannot read the free space of " + home
                + ": Permission denied"), space);
    }
}
