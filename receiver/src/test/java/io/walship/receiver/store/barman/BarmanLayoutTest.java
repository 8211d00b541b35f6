package io.walship.receiver.store.barman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.protocol.ReplyCode;
import io.walship.receiver.compress.Compression;
import io.walship.receiver.config.BarmanServer;
import io.walship.receiver.config.ServerDirectories;
import io.walship.receiver.config.XlogDbGeneration;
import io.walship.receiver.store.Ingest;
import io.walship.receiver.store.IngestException;
import io.walship.receiver.store.Outcome;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the store puts things for each Barman release: directories as Barman's configuration resolves them, the
 * xlog.db generation, and the stored files' times (which barman rebuild-xlogdb reads back).
 */
class BarmanLayoutTest {

    private static final int MIB = 1 << 20;
    private static final long SYSTEM_ID = 7301234567890123456L;
    /** An odd nanosecond count, to catch any rounding of the stored file's time. */
    private static final long MTIME = 1795617864_943870313L;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    private BarmanServer server(XlogDbGeneration generation) {
        return new BarmanServer("pg", Set.of(), Compression.GZIP, "test", ServerDirectories.defaults(home, "pg"),
                generation);
    }

    private static Outcome push(BarmanStore store, String name) throws IngestException {
        byte[] content = segment(name);
        CRC32C crc = new CRC32C();
        crc.update(content);
        Ingest ingest = store.begin("pg", WalFileName.parse(name), content.length, MTIME);
        try {
            ingest.write(ByteBuffer.wrap(content));
            return ingest.finish((int) crc.getValue()).toCompletableFuture().join();
        } catch (IngestException | RuntimeException e) {
            ingest.abort();
            throw e;
        }
    }

    private static byte[] segment(String fileName) {
        WalFileName name = WalFileName.parse(fileName);
        byte[] bytes = new byte[MIB];
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) 0xD110);
        b.putShort(2, (short) 0x0002);
        b.putInt(4, (int) name.timeline());
        b.putLong(8, name.startLsn(MIB));
        b.putLong(24, SYSTEM_ID);
        b.putInt(32, MIB);
        b.putInt(36, 8192);
        byte[] records = new byte[8192];
        new Random(name.segment()).nextBytes(records);
        System.arraycopy(records, 0, bytes, 40, records.length);
        return bytes;
    }

    private static List<String> names(Path xlogDb) throws IOException {
        return Files.readAllLines(xlogDb).stream().map(XlogDbLine::nameOf).toList();
    }

    @Test
    void theStoredFileKeepsTheSourceTimeToTheNanosecond() throws IOException, IngestException {
        BarmanStore store = new BarmanStore(List.of(server(XlogDbGeneration.WALS_XLOG_DB)), TIMEOUT);

        assertEquals(ReplyCode.STORED, push(store, "000000010000000000000001").code());

        Path stored = home.resolve("pg/wals/0000000100000000/000000010000000000000001");
        assertEquals(MTIME, Files.getLastModifiedTime(stored).to(TimeUnit.NANOSECONDS));
        String time = Files.readString(home.resolve("pg/wals/xlog.db")).split("\t")[2];
        assertEquals("1795617864.9438703", time, "the time column is that same time");
    }

    @Test
    void reindexingAFileMissingFromXlogDbUsesTheStoredFilesTime() throws IOException, IngestException {
        BarmanStore store = new BarmanStore(List.of(server(XlogDbGeneration.WALS_XLOG_DB)), TIMEOUT);
        push(store, "000000010000000000000001");
        Path stored = home.resolve("pg/wals/0000000100000000/000000010000000000000001");
        Path xlogDb = home.resolve("pg/wals/xlog.db");
        Files.setLastModifiedTime(stored, java.nio.file.attribute.FileTime.from(1700000000_500000000L,
                TimeUnit.NANOSECONDS));
        Files.writeString(xlogDb, "");

        assertEquals(ReplyCode.ALREADY_STORED, push(store, "000000010000000000000001").code());

        assertEquals("1700000000.5", Files.readString(xlogDb).split("\t")[2],
                "as barman rebuild-xlogdb would index the file");
    }

    @Test
    void barman312AndOlderAlwaysReadWalsXlogDb() throws IOException, IngestException {
        Path serverFile = Files.createDirectories(home.resolve("pg/wals")).resolve("pg-xlog.db");
        Files.writeString(serverFile, "");
        BarmanStore store = new BarmanStore(List.of(server(XlogDbGeneration.WALS_XLOG_DB)), TIMEOUT);

        push(store, "000000010000000000000001");

        assertEquals(List.of("000000010000000000000001"), names(home.resolve("pg/wals/xlog.db")));
        assertEquals("", Files.readString(serverFile), "a 3.12 Barman never reads pg-xlog.db");
    }

    @Test
    void aBarmanUpgradedTo313WhileTheReceiverRunsGetsItsNewFile() throws IOException, IngestException {
        BarmanStore store = new BarmanStore(List.of(server(XlogDbGeneration.WALS_XLOG_DB)), TIMEOUT);
        Path legacy = home.resolve("pg/wals/xlog.db");
        Path serverFile = home.resolve("pg/wals/pg-xlog.db");
        push(store, "000000010000000000000001");

        // The upgraded Barman's first access: its own file rebuilt from the tree, the old one deleted.
        Files.writeString(serverFile, Files.readString(legacy));
        Files.delete(legacy);
        push(store, "000000010000000000000002");

        assertEquals(List.of("000000010000000000000001", "000000010000000000000002"), names(serverFile));
        assertFalse(Files.exists(legacy));
    }

    @Test
    void anUnknownBarmanGetsWalsXlogDbUntilABarman313CreatesItsOwnFileThenThatOne() throws IOException,
            IngestException {
        BarmanStore store = new BarmanStore(List.of(server(XlogDbGeneration.SERVER_XLOG_DB_WHEN_PRESENT)), TIMEOUT);
        Path legacy = home.resolve("pg/wals/xlog.db");
        Path serverFile = home.resolve("pg/wals/pg-xlog.db");

        push(store, "000000010000000000000001");
        assertEquals(List.of("000000010000000000000001"), names(legacy),
                "before Barman 3.13 has touched the server, the old file (which it folds in when it does)");
        assertFalse(Files.exists(serverFile), "pg-xlog.db would hide everything from a Barman 3.12");

        // What Barman 3.13 does on its first access: a new file rebuilt from the tree, the old one deleted.
        Files.writeString(serverFile, Files.readString(legacy));
        Files.delete(legacy);
        push(store, "000000010000000000000002");

        assertEquals(List.of("000000010000000000000001", "000000010000000000000002"), names(serverFile));
        assertFalse(Files.exists(legacy), "nothing goes to the old file any more");
    }

    @Test
    void barman313OnAFreshServerGetsItsOwnFileFromTheFirstUpload() throws IOException, IngestException {
        BarmanStore store = new BarmanStore(List.of(server(XlogDbGeneration.SERVER_XLOG_DB)), TIMEOUT);

        push(store, "000000010000000000000001");

        assertEquals(List.of("000000010000000000000001"), names(home.resolve("pg/wals/pg-xlog.db")));
        assertFalse(Files.exists(home.resolve("pg/wals/xlog.db")));
    }

    @Test
    void barman313AfterAnUpgradeGetsItsOwnFileIndexingEverythingStored() throws IOException, IngestException {
        // An archive written for Barman 3.12: wals/xlog.db, plus a file stored but never indexed.
        push(new BarmanStore(List.of(server(XlogDbGeneration.WALS_XLOG_DB)), TIMEOUT), "000000010000000000000002");
        push(new BarmanStore(List.of(server(XlogDbGeneration.WALS_XLOG_DB)), TIMEOUT), "000000010000000000000001");
        Path legacy = home.resolve("pg/wals/xlog.db");
        String lineOfFirst = Files.readAllLines(legacy).stream()
                .filter(line -> line.startsWith("000000010000000000000001\t")).findFirst().orElseThrow() + "\n";
        Files.writeString(legacy, Files.readAllLines(legacy).getFirst() + "\n");
        Files.writeString(home.resolve("pg/wals/00000002.history"), "1\t0/3000000\tno recovery target specified\n");
        Files.setLastModifiedTime(home.resolve("pg/wals/00000002.history"),
                java.nio.file.attribute.FileTime.from(1700000000_000000000L, TimeUnit.NANOSECONDS));
        Files.writeString(home.resolve("pg/wals/0000000100000000/.000000010000000000000003.x.walship-tmp"), "");

        push(new BarmanStore(List.of(server(XlogDbGeneration.SERVER_XLOG_DB)), TIMEOUT), "000000010000000000000003");

        List<String> lines = Files.readAllLines(home.resolve("pg/wals/pg-xlog.db"));
        assertEquals(List.of("000000010000000000000001", "000000010000000000000002", "000000010000000000000003",
                "00000002.history"), lines.stream().map(XlogDbLine::nameOf).toList(),
                "every stored file in Barman's rebuild order (not the hidden upload), the new one in name order");
        assertEquals(lineOfFirst, lines.getFirst() + "\n", "indexed with the stored size, time and codec");
        assertEquals("00000002.history\t41\t1700000000.0\tNone", lines.get(3));
        assertFalse(Files.exists(legacy), "the old index goes, as Barman 3.13 removes it");
    }

    @Test
    void barman313WithAnXlogdbDirectoryAndAMovedLockDirectory() throws IOException, IngestException {
        Path xlogdbDir = Files.createDirectories(home.resolve("xlogdb"));
        Path lockDir = Files.createDirectories(home.resolve("locks"));
        Path backupDir = home.resolve("backup/pg");
        Path wals = home.resolve("archive/pg");
        BarmanServer server = new BarmanServer("pg", Set.of(), Compression.BZIP2, "test",
                new ServerDirectories(backupDir, wals, xlogdbDir, lockDir, backupDir.resolve("errors")), XlogDbGeneration.SERVER_XLOG_DB);
        BarmanStore store = new BarmanStore(List.of(server), TIMEOUT);

        push(store, "000000010000000000000001");

        assertTrue(Files.isRegularFile(wals.resolve("0000000100000000/000000010000000000000001")));
        assertEquals(List.of("000000010000000000000001"), names(xlogdbDir.resolve("pg-xlog.db")));
        assertFalse(Files.exists(wals.resolve("xlog.db")));
        assertTrue(Files.isRegularFile(lockDir.resolve(".pg-xlogdb.lock")), "Barman's lock file, in its directory");
        assertTrue(Files.isRegularFile(backupDir.resolve("identity.json")), "identity.json in backup_directory");
        assertFalse(Files.exists(home.resolve(".pg-xlogdb.lock")));
    }

    @Test
    void theStandardLayout() {
        BarmanServer server = server(XlogDbGeneration.WALS_XLOG_DB);

        assertEquals(home.resolve("pg"), server.directories().backupDirectory());
        assertEquals(home.resolve("pg/wals/xlog.db"), server.walsXlogDb());
        assertEquals(home.resolve("pg/wals/pg-xlog.db"), server.serverXlogDb());
        assertEquals(home.resolve(".pg-xlogdb.lock"), server.lockFile());
    }
}
