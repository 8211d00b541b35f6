package io.walship.receiver.store.barman;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdCompressCtx;
import io.walship.protocol.ReplyCode;
import io.walship.protocol.WalZstd;
import io.walship.protocol.WireEncoding;
import io.walship.receiver.compress.Compression;
import io.walship.receiver.config.BarmanServer;
import io.walship.receiver.config.ServerDirectories;
import io.walship.receiver.config.XlogDbGeneration;
import io.walship.receiver.store.Ingest;
import io.walship.receiver.store.IngestException;
import io.walship.receiver.store.Outcome;
import io.walship.receiver.store.WalStore;
import io.walship.receiver.store.verify.Findings;
import io.walship.wal.BackupHistoryFile;
import io.walship.wal.TimelineHistory;
import io.walship.wal.WalFileName;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class BarmanStoreTest {

    private static final int MIB = 1 << 20;
    private static final long SYSTEM_ID = 7301234567890123456L;
    private static final long OTHER_SYSTEM_ID = 7400000000000000001L;
    /** Python's repr(1795617864 + 943870313*1e-9) is 1795617864.9438703. */
    private static final long MTIME = 1795617864_943870313L;
    private static final String MTIME_REPR = "1795617864.9438703";
    private static final String SEGMENT = "000000010000000000000001";
    private static final String HASH_DIR = "0000000100000000";
    /** As Barman writes identity.json (Python's json.dump with indent=4), walship's fields after Barman's. */
    private static final String IDENTITY = """
            {
                "systemid": "7301234567890123456",
                "version": "15",
                "walship_wal_segment_size": 1048576,
                "walship_xlog_page_magic": 53520
            }
            """;
    /** Chunk sizes the fake agent cycles through, so the 40-byte header arrives in pieces. */
    private static final int[] CHUNKS = {10, 29, 1000, 64 * 1024, 7};
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path home;

    // ---- fixtures ----

    private BarmanStore store(Compression compression) {
        return store(Map.of("pg", compression));
    }

    /** Servers with Barman's default directories under {@code home}, for a Barman of unknown release. */
    private BarmanStore store(Map<String, Compression> servers) {
        return new BarmanStore(servers.entrySet().stream().map(e -> new BarmanServer(e.getKey(), Set.of(),
                e.getValue(), "test", ServerDirectories.defaults(home, e.getKey()),
                XlogDbGeneration.SERVER_XLOG_DB_WHEN_PRESENT)).toList(), Duration.ofSeconds(30));
    }

    private Path wals() {
        return home.resolve("pg").resolve("wals");
    }

    private Path xlogDb() {
        return wals().resolve("xlog.db");
    }

    /** A valid 1 MiB segment: a long page header matching the name, a few pages of records, zeroes after. */
    private static byte[] segment(String fileName, long systemId, long seed) {
        return segment(fileName, systemId, seed, MIB, 0xD110);
    }

    private static byte[] segment(String fileName, long systemId, long seed, int segmentSize, int magic) {
        WalFileName name = WalFileName.parse(fileName);
        byte[] bytes = new byte[segmentSize];
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) magic);
        b.putShort(2, (short) 0x0002);
        b.putInt(4, (int) name.timeline());
        b.putLong(8, name.startLsn(segmentSize));
        b.putInt(16, 0);
        b.putLong(24, systemId);
        b.putInt(32, segmentSize);
        b.putInt(36, 8192);
        byte[] records = new byte[3 * 8192 - 40];
        new Random(seed).nextBytes(records);
        System.arraycopy(records, 0, bytes, 40, records.length);
        return bytes;
    }

    private static int crc(byte[] content) {
        CRC32C crc = new CRC32C();
        crc.update(content);
        return (int) crc.getValue();
    }

    private static Outcome push(WalStore store, String fileName, byte[] content) throws IngestException {
        return push(store, "pg", fileName, content, content.length, crc(content));
    }

    /** What an agent does: begin, send the bytes in chunks, finish with the checksum; abort on failure. */
    private static Outcome push(WalStore store, String server, String fileName, byte[] content, long announced,
            int crc32c) throws IngestException {
        Ingest ingest = store.begin(server, WalFileName.parse(fileName), announced, MTIME);
        try {
            int offset = 0;
            for (int i = 0; offset < content.length; i++) {
                int length = Math.min(CHUNKS[i % CHUNKS.length], content.length - offset);
                ingest.write(ByteBuffer.wrap(content, offset, length));
                offset += length;
            }
            return ingest.finish(crc32c).toCompletableFuture().join();
        } catch (IngestException e) {
            ingest.abort();
            // A conflict with the stored file is found as the bytes arrive; the agent gets it as a reply all the same.
            if (e.code() == ReplyCode.CONFLICT) {
                return e.outcome();
            }
            throw e;
        } catch (RuntimeException e) {
            ingest.abort();
            throw e;
        }
    }

    /** The one zstd frame the agent sends with wire_compression = zstd (the receiver's own parameters). */
    private static byte[] zstdFrame(byte[] plain) {
        try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
            return WalZstd.configure(ctx, plain.length).compress(plain);
        }
    }

    /** What an agent sending zstd does: the frame in chunks, the END with the plain bytes' checksum. */
    private static Outcome pushZstd(WalStore store, String fileName, byte[] plain, byte[] frame)
            throws IngestException {
        Ingest ingest = store.begin("pg", WalFileName.parse(fileName), plain.length, MTIME, WireEncoding.ZSTD);
        try {
            int offset = 0;
            for (int i = 0; offset < frame.length; i++) {
                int length = Math.min(CHUNKS[i % CHUNKS.length], frame.length - offset);
                ingest.write(ByteBuffer.wrap(frame, offset, length));
                offset += length;
            }
            return ingest.finish(crc(plain)).toCompletableFuture().join();
        } catch (IngestException e) {
            ingest.abort();
            if (e.code() == ReplyCode.CONFLICT) {
                return e.outcome();
            }
            throw e;
        }
    }

    private static byte[] plainContent(Path stored) throws IOException {
        try (InputStream in = Compression.openPlain(Files.newInputStream(stored))) {
            return in.readAllBytes();
        }
    }

    private static Compression codecOf(Path stored) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(stored)) {
            head = in.readNBytes(8);
        }
        return Compression.sniff(head, head.length);
    }

    private List<String> xlogDbLines() throws IOException {
        return Files.readString(xlogDb(), StandardCharsets.UTF_8).lines().toList();
    }

    private static String line(String name, Path stored, Compression compression) throws IOException {
        return name + "\t" + Files.size(stored) + "\t" + MTIME_REPR + "\t" + compression.xlogDbName;
    }

    /** Temp files are dot files next to their destination; none may outlive a request. */
    private void assertNoHiddenFiles() throws IOException {
        Path serverDir = home.resolve("pg");
        if (!Files.exists(serverDir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(serverDir)) {
            List<Path> hidden = files.filter(p -> p.getFileName().toString().startsWith(".")).toList();
            assertEquals(List.of(), hidden, "temporary files left behind");
        }
    }

    private static IngestException assertRejected(Executable push, String... fragments) {
        IngestException e = assertThrows(IngestException.class, push::run);
        assertEquals(ReplyCode.REJECTED, e.code(), e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention '" + fragment + "'");
        }
        return e;
    }

    @FunctionalInterface
    private interface Executable {
        void run() throws Exception;
    }

    // ---- storing ----

    @ParameterizedTest
    @EnumSource(Compression.class)
    void storesASegment(Compression compression) throws IOException, IngestException {
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);

        Outcome outcome = push(store(compression), SEGMENT, content);

        assertEquals(ReplyCode.STORED, outcome.code(), outcome.message());
        Path stored = wals().resolve(HASH_DIR).resolve(SEGMENT);
        assertTrue(Files.isRegularFile(stored), stored + " should exist");
        assertArrayEquals(content, plainContent(stored));
        assertEquals(compression, codecOf(stored));
        if (compression == Compression.NONE) {
            assertArrayEquals(content, Files.readAllBytes(stored));
        } else {
            assertTrue(Files.size(stored) < content.length, "compressed with " + compression);
        }
        assertEquals(List.of(line(SEGMENT, stored, compression)), xlogDbLines());
        assertTrue(Files.readString(xlogDb()).endsWith("\n"), "xlog.db lines end with a newline");
        assertEquals(IDENTITY, Files.readString(home.resolve("pg").resolve("identity.json")));
        assertNoHiddenFiles();
    }

    /** Barman creates no barman_lock_directory; where it does not exist yet, the first upload makes it. */
    @Test
    void theFirstUploadCreatesAMissingLockDirectory() throws IOException, IngestException {
        Path locks = home.resolve("run").resolve("locks");
        ServerDirectories defaults = ServerDirectories.defaults(home, "pg");
        BarmanStore store = new BarmanStore(List.of(new BarmanServer("pg", Set.of(), Compression.GZIP, "test",
                new ServerDirectories(defaults.backupDirectory(), defaults.walsDirectory(), defaults.xlogdbDirectory(),
                        locks, defaults.errorsDirectory()), XlogDbGeneration.SERVER_XLOG_DB_WHEN_PRESENT)),
                Duration.ofSeconds(30));

        Outcome outcome = push(store, SEGMENT, segment(SEGMENT, SYSTEM_ID, 1));

        assertEquals(ReplyCode.STORED, outcome.code(), outcome.message());
        assertTrue(Files.isRegularFile(locks.resolve(".pg-xlogdb.lock")), "Barman's lock file in " + locks);
    }

    @Test
    void theXlogDbLineNamesTheStoredSizeTimeAndCodec() throws IOException, IngestException {
        push(store(Compression.GZIP), SEGMENT, segment(SEGMENT, SYSTEM_ID, 1));

        Path stored = wals().resolve(HASH_DIR).resolve(SEGMENT);
        String[] fields = Files.readString(xlogDb()).split("\t", -1);
        assertEquals(4, fields.length);
        assertEquals(SEGMENT, fields[0]);
        assertEquals(String.valueOf(Files.size(stored)), fields[1]);
        assertEquals(MTIME_REPR, fields[2]);
        assertEquals("gzip\n", fields[3]);
    }

    @Test
    void partialSegmentsAndBackupLabelsGoToTheHashDirectory() throws IOException, IngestException {
        BarmanStore store = store(Compression.ZSTD);
        String partial = "000000010000000000000003.partial";
        String backup = "000000010000000000000002.00000028.backup";
        byte[] partialContent = segment(partial, SYSTEM_ID, 3);
        byte[] backupContent = ("START WAL LOCATION: 0/2000028 (file 000000010000000000000002)\n"
                + "STOP WAL LOCATION: 0/2000100 (file 000000010000000000000002)\n").getBytes(StandardCharsets.UTF_8);

        assertEquals(ReplyCode.STORED, push(store, partial, partialContent).code());
        assertEquals(ReplyCode.STORED, push(store, backup, backupContent).code());

        Path storedPartial = wals().resolve(HASH_DIR).resolve(partial);
        Path storedBackup = wals().resolve(HASH_DIR).resolve(backup);
        assertArrayEquals(partialContent, plainContent(storedPartial));
        assertArrayEquals(backupContent, plainContent(storedBackup));
        assertEquals(List.of(line(backup, storedBackup, codecOf(storedBackup)),
                line(partial, storedPartial, codecOf(storedPartial))), xlogDbLines(),
                "xlog.db stays in name order, whatever order the files arrive in");
        assertNoHiddenFiles();
    }

    @Test
    void historyFilesGoDirectlyToWals() throws IOException, IngestException {
        byte[] history = "1\t0/3000000\tno recovery target specified\n".getBytes(StandardCharsets.UTF_8);

        Outcome outcome = push(store(Compression.ZSTD), "00000002.history", history);

        assertEquals(ReplyCode.STORED, outcome.code(), outcome.message());
        Path stored = wals().resolve("00000002.history");
        assertTrue(Files.isRegularFile(stored), stored + " should exist");
        assertArrayEquals(history, plainContent(stored));
        assertEquals(List.of(line("00000002.history", stored, codecOf(stored))), xlogDbLines());
        try (Stream<Path> entries = Files.list(wals())) {
            assertEquals(Set.of(stored, xlogDb()), new HashSet<>(entries.toList()), "no hash directory for history");
        }
        assertFalse(Files.exists(home.resolve("pg").resolve("identity.json")),
                "a history file has no header to pin the cluster with");
    }

    @Test
    void eachServerHasItsOwnArchive() throws IOException, IngestException {
        Map<String, Compression> servers = new LinkedHashMap<>();
        servers.put("pg", Compression.ZSTD);
        servers.put("pg2", Compression.NONE);
        BarmanStore store = store(servers);
        byte[] first = segment(SEGMENT, SYSTEM_ID, 1);
        byte[] second = segment(SEGMENT, OTHER_SYSTEM_ID, 2);

        assertEquals(ReplyCode.STORED, push(store, "pg", SEGMENT, first, first.length, crc(first)).code());
        assertEquals(ReplyCode.STORED, push(store, "pg2", SEGMENT, second, second.length, crc(second)).code());

        assertArrayEquals(first, plainContent(wals().resolve(HASH_DIR).resolve(SEGMENT)));
        Path other = home.resolve("pg2").resolve("wals").resolve(HASH_DIR).resolve(SEGMENT);
        assertArrayEquals(second, Files.readAllBytes(other));
        assertEquals(List.of(SEGMENT + "\t" + MIB + "\t" + MTIME_REPR + "\tNone"),
                Files.readAllLines(home.resolve("pg2").resolve("wals").resolve("xlog.db")));
        assertEquals(IDENTITY.replace("7301234567890123456", "7400000000000000001"),
                Files.readString(home.resolve("pg2").resolve("identity.json")));
    }

    // ---- damage at rest ----

    private byte[] served(BarmanStore store, String fileName) throws IOException, IngestException {
        try (InputStream in = store.openPlain("pg", WalFileName.parse(fileName)).orElseThrow()) {
            return in.readAllBytes();
        }
    }

    @Test
    void everyStoredFileHasItsPlainChecksumRecorded() throws IOException, IngestException {
        BarmanStore store = store(Compression.ZSTD);
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);
        push(store, SEGMENT, content);

        String crc = HexFormat.of().toHexDigits(crc(content));
        assertEquals(List.of(SEGMENT + "\t" + MIB + "\t" + crc + "\tzstd"),
                Files.readAllLines(home.resolve("pg").resolve(PlainChecksums.FILE_NAME)));
        assertArrayEquals(content, served(store, SEGMENT));
    }

    @Test
    void anUncompressedFileDamagedOnDiskFailsWhenServedInsteadOfArrivingDamaged() throws Exception {
        BarmanStore store = store(Compression.NONE);
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);
        push(store, SEGMENT, content);
        Path stored = wals().resolve(HASH_DIR).resolve(SEGMENT);
        try (FileChannel file = FileChannel.open(stored, StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.wrap(new byte[] {0x55}), MIB / 2);
        }

        IOException e = assertThrows(IOException.class, () -> served(store, SEGMENT));
        assertTrue(e.getMessage().contains("no longer holds what was stored"), e.getMessage());
    }

    @Test
    void aCompressedHistoryFileWhoseFirstByteIsDamagedIsNotServedAsPlainText() throws Exception {
        BarmanStore store = store(Compression.ZSTD);
        byte[] content = "1\t0/3000000\tno recovery target specified\n".getBytes(StandardCharsets.US_ASCII);
        push(store, "00000002.history", content);
        Path stored = wals().resolve("00000002.history");
        byte[] bytes = Files.readAllBytes(stored);
        bytes[0] ^= 0x01;
        Files.write(stored, bytes);

        IOException e = assertThrows(IOException.class, () -> served(store, "00000002.history"));
        assertTrue(e.getMessage().contains("was stored zstd but now reads as none"), e.getMessage());
    }

    @Test
    void aSegmentWithoutARecordedChecksumThatIsNeitherCompressedNorWalIsDamaged() throws Exception {
        Files.createDirectories(wals().resolve(HASH_DIR));
        byte[] junk = new byte[MIB];
        new Random(3).nextBytes(junk);
        junk[1] = 0x00;
        Files.write(wals().resolve(HASH_DIR).resolve(SEGMENT), junk);

        IOException e = assertThrows(IOException.class, () -> served(store(Compression.NONE), SEGMENT));
        assertTrue(e.getMessage().contains("nor starts with a WAL page header"), e.getMessage());
    }

    // ---- walship verify ----

    private BarmanServer pgServer(Compression compression) {
        return new BarmanServer("pg", Set.of(), compression, "test", ServerDirectories.defaults(home, "pg"),
                XlogDbGeneration.SERVER_XLOG_DB_WHEN_PRESENT);
    }

    private Findings.Report verify(Compression compression) throws IOException {
        return ArchiveVerification.verify(pgServer(compression), Duration.ofSeconds(30));
    }

    @Test
    void verifyFindsNothingWrongWithASoundArchive() throws IOException, IngestException {
        BarmanStore store = store(Compression.ZSTD);
        for (int segment = 1; segment <= 3; segment++) {
            String name = "00000001000000000000000" + segment;
            push(store, name, segment(name, SYSTEM_ID, segment));
        }
        push(store, "00000002.history", "1\t0/3000000\tno recovery target specified\n"
                .getBytes(StandardCharsets.US_ASCII));

        Findings.Report report = verify(Compression.ZSTD);

        assertEquals(List.of(), report.findings());
        assertEquals(4, report.files());
        assertEquals(4, report.withChecksum());
    }

    @Test
    void verifyReportsDamageAMissingFileAnUnindexedOneAndAGap() throws IOException, IngestException {
        BarmanStore store = store(Compression.NONE);
        for (int segment : new int[] {1, 2, 3, 5, 6}) {
            String name = "00000001000000000000000" + segment;
            push(store, name, segment(name, SYSTEM_ID, segment));
        }
        Path hashDir = wals().resolve(HASH_DIR);
        try (FileChannel file = FileChannel.open(hashDir.resolve("000000010000000000000002"),
                StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.wrap(new byte[] {0x55}), 5000);
        }
        Files.delete(hashDir.resolve("000000010000000000000006"));
        Files.write(hashDir.resolve("000000010000000000000007"), segment("000000010000000000000007", SYSTEM_ID, 7));

        Findings.Report report = verify(Compression.NONE);

        List<String> texts = report.findings().stream().map(f -> f.severity() + " " + f.text()).toList();
        assertEquals(5, texts.size(), texts.toString());
        assertTrue(texts.get(0).startsWith("CRITICAL DAMAGED " + hashDir.resolve("000000010000000000000002")
                + ": holds 1048576 plain bytes with CRC-32C"), texts.toString());
        assertTrue(texts.get(1).startsWith("WARNING UNINDEXED " + hashDir.resolve("000000010000000000000007")),
                texts.toString());
        assertTrue(texts.get(2).startsWith("CRITICAL MISSING 000000010000000000000006"), texts.toString());
        assertEquals("CRITICAL GAP on timeline 1: 000000010000000000000004 is missing; recovery cannot replay past "
                + "it", texts.get(3));
        assertEquals("CRITICAL GAP on timeline 1: 000000010000000000000006 is missing; recovery cannot replay past "
                + "it", texts.get(4), "a listed file that is gone leaves a gap too");
        assertEquals(Optional.of(Findings.Severity.CRITICAL), report.worst());
    }

    // ---- stored but not indexed, found at start-up ----

    @Test
    void startUpIndexesSoundFilesTheIndexMissesAndMovesDamagedOnesAsideDeletingNothing() throws Exception {
        BarmanStore store = store(Map.of("pg", Compression.ZSTD, "pg2", Compression.ZSTD));
        push(store, SEGMENT, segment(SEGMENT, SYSTEM_ID, 1));
        // Files as a receiver that stopped between rename and index line leaves them, in each codec.
        String second = "000000010000000000000002";
        String third = "000000010000000000000003";
        String fourth = "000000010000000000000004";
        String fifth = "000000010000000000000005";
        push(store, "pg2", second, segment(second, SYSTEM_ID, 2), MIB, crc(segment(second, SYSTEM_ID, 2)));
        Path hashDir = wals().resolve(HASH_DIR);
        Files.copy(home.resolve("pg2/wals").resolve(HASH_DIR).resolve(second), hashDir.resolve(second),
                StandardCopyOption.COPY_ATTRIBUTES);
        Files.write(hashDir.resolve(third), segment(third, SYSTEM_ID, 3));
        Files.setLastModifiedTime(hashDir.resolve(third), FileTime.fromMillis(0));
        byte[] damaged = Files.readAllBytes(hashDir.resolve(second));
        damaged[damaged.length / 2] ^= 0x55;
        Files.write(hashDir.resolve(fourth), damaged);
        Files.write(hashDir.resolve(fifth), segment(second, SYSTEM_ID, 5));
        Files.writeString(wals().resolve("00000002.history"), "1\t0/3000000\tno recovery target specified\n");
        Files.writeString(hashDir.resolve(".000000010000000000000009.walship-tmp"), "an upload in progress");
        Files.writeString(hashDir.resolve("00000001000000000000000a"), "not a name walship gives");
        Path checksums = home.resolve("pg").resolve(PlainChecksums.FILE_NAME);
        // Lines of files Barman expired, and one a crash cut short.
        Files.writeString(checksums, "000000010000000000000009\t1\t00000000\tNone\n000000010000000000",
                StandardOpenOption.APPEND);
        long before = System.currentTimeMillis();

        store.reconcileUnindexedFiles();

        List<String> names = xlogDbLines().stream().map(XlogDbLine::nameOf).toList();
        assertEquals(List.of(SEGMENT, second, third, "00000002.history"), names, "sound files indexed, in order");
        assertEquals(line(second, hashDir.resolve(second), Compression.ZSTD), xlogDbLines().get(1));
        long thirdTime = Files.getLastModifiedTime(hashDir.resolve(third)).toMillis();
        assertTrue(thirdTime >= before, "a file without a usable time is given the time it was indexed at");
        Path errors = home.resolve("pg/errors");
        try (Stream<Path> aside = Files.list(errors)) {
            List<String> moved = aside.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(2, moved.size(), moved.toString());
            assertTrue(moved.get(0).matches(fourth + "\\.\\d{8}T\\d{6}Z\\.damaged"), moved.toString());
            assertTrue(moved.get(1).matches(fifth + "\\.\\d{8}T\\d{6}Z\\.damaged"), moved.toString());
            assertArrayEquals(damaged, Files.readAllBytes(errors.resolve(moved.get(0))), "moved, not changed");
        }
        assertFalse(Files.exists(hashDir.resolve(fourth)));
        assertTrue(Files.exists(hashDir.resolve(".000000010000000000000009.walship-tmp")), "not a stored file");
        assertTrue(Files.exists(hashDir.resolve("00000001000000000000000a")), "not walship's to judge");

        assertEquals(List.of(SEGMENT, second, third, "00000002.history"), Files.readAllLines(checksums).stream()
                .map(XlogDbLine::nameOf).toList(), "one checksum line per stored file, those of gone files dropped");

        store.reconcileUnindexedFiles();
        assertEquals(4, xlogDbLines().size(), "reconciled once");
    }

    // ---- the same name again ----

    @Test
    void identicalContentAgainIsAlreadyStored() throws IOException, IngestException {
        BarmanStore store = store(Compression.ZSTD);
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);
        push(store, SEGMENT, content);
        Path stored = wals().resolve(HASH_DIR).resolve(SEGMENT);
        byte[] storedBefore = Files.readAllBytes(stored);
        byte[] xlogDbBefore = Files.readAllBytes(xlogDb());

        Outcome outcome = push(store, SEGMENT, content);

        assertEquals(ReplyCode.ALREADY_STORED, outcome.code(), outcome.message());
        assertArrayEquals(storedBefore, Files.readAllBytes(stored));
        assertArrayEquals(xlogDbBefore, Files.readAllBytes(xlogDb()), "xlog.db must not gain a second line");
        assertNoHiddenFiles();
    }

    @Test
    void identicalContentStoredWithAnotherCodecIsAlreadyStored() throws IOException, IngestException {
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);
        push(store(Compression.GZIP), SEGMENT, content);
        Path stored = wals().resolve(HASH_DIR).resolve(SEGMENT);
        byte[] storedBefore = Files.readAllBytes(stored);

        Outcome outcome = push(store(Compression.ZSTD), SEGMENT, content);

        assertEquals(ReplyCode.ALREADY_STORED, outcome.code(), outcome.message());
        assertArrayEquals(storedBefore, Files.readAllBytes(stored), "the archived file stays as it was");
        assertEquals(Compression.GZIP, codecOf(stored));
        assertEquals(1, xlogDbLines().size());
    }

    @Test
    void alreadyStoredButMissingFromXlogDbIsIndexedAgain() throws IOException, IngestException {
        BarmanStore store = store(Compression.ZSTD);
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);
        push(store, SEGMENT, content);
        String indexed = Files.readString(xlogDb());
        Files.writeString(xlogDb(), "");

        Outcome outcome = push(store, SEGMENT, content);

        assertEquals(ReplyCode.ALREADY_STORED, outcome.code(), outcome.message());
        assertEquals(indexed, Files.readString(xlogDb()));
    }

    @Test
    void differentContentUnderTheSameNameIsAConflict() throws IOException, IngestException {
        BarmanStore store = store(Compression.ZSTD);
        push(store, SEGMENT, segment(SEGMENT, SYSTEM_ID, 1));
        Path stored = wals().resolve(HASH_DIR).resolve(SEGMENT);
        byte[] storedBefore = Files.readAllBytes(stored);
        byte[] xlogDbBefore = Files.readAllBytes(xlogDb());

        Outcome outcome = push(store, SEGMENT, segment(SEGMENT, SYSTEM_ID, 2));

        assertEquals(ReplyCode.CONFLICT, outcome.code(), outcome.message());
        assertTrue(outcome.message().contains(SEGMENT), outcome.message());
        assertArrayEquals(storedBefore, Files.readAllBytes(stored), "the archived file must stay untouched");
        assertArrayEquals(xlogDbBefore, Files.readAllBytes(xlogDb()));
        try (Stream<Path> entries = Files.list(wals().resolve(HASH_DIR))) {
            assertEquals(List.of(stored), entries.toList(), "nothing but the archived file in the hash directory");
        }
        assertNoHiddenFiles();
    }

    @Test
    void aHistoryFileWithOtherContentIsAConflict() throws IOException, IngestException {
        BarmanStore store = store(Compression.NONE);
        byte[] first = "1\t0/3000000\tno recovery target specified\n".getBytes(StandardCharsets.UTF_8);
        byte[] second = "1\t0/4000000\tno recovery target specified\n".getBytes(StandardCharsets.UTF_8);
        push(store, "00000002.history", first);

        assertEquals(ReplyCode.CONFLICT, push(store, "00000002.history", second).code());
        assertEquals(ReplyCode.ALREADY_STORED, push(store, "00000002.history", first).code());
        assertArrayEquals(first, Files.readAllBytes(wals().resolve("00000002.history")));
        assertEquals(1, xlogDbLines().size());
        assertNoHiddenFiles();
    }

    // ---- refusals ----

    @Test
    void anIdenticalRePushIsComparedAsItArrivesWithoutATempFile() throws IOException, IngestException {
        BarmanStore store = store(Compression.ZSTD);
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);
        push(store, SEGMENT, content);

        Ingest again = store.begin("pg", WalFileName.parse(SEGMENT), content.length, MTIME);
        again.write(ByteBuffer.wrap(content, 0, content.length / 2));
        assertNoHiddenFiles();
        again.write(ByteBuffer.wrap(content, content.length / 2, content.length - content.length / 2));

        assertEquals(ReplyCode.ALREADY_STORED, again.finish(crc(content)).toCompletableFuture().join().code());
        assertNoHiddenFiles();
        assertEquals(1, xlogDbLines().size());
    }

    @Test
    void aConflictIsFoundAtTheFirstDifferentChunkBeforeTheRestArrives() throws IOException, IngestException {
        BarmanStore store = store(Compression.GZIP);
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);
        push(store, SEGMENT, content);
        byte[] other = content.clone();
        other[100] ^= 1;

        Ingest again = store.begin("pg", WalFileName.parse(SEGMENT), other.length, MTIME);
        IngestException e = assertThrows(IngestException.class, () -> again.write(ByteBuffer.wrap(other, 0, 4096)));
        again.abort();

        assertEquals(ReplyCode.CONFLICT, e.code(), e.getMessage());
        assertArrayEquals(content, plainContent(wals().resolve(HASH_DIR).resolve(SEGMENT)), "left untouched");
        assertNoHiddenFiles();
    }

    @Test
    void aStoredFileShorterThanTheUploadIsAConflict() throws IOException, IngestException {
        BarmanStore store = store(Compression.NONE);
        byte[] content = "1\t0/3000000\tno recovery target specified\n".getBytes(StandardCharsets.US_ASCII);
        Files.createDirectories(wals());
        Files.write(wals().resolve("00000002.history"), Arrays.copyOf(content, 10));

        Outcome outcome = push(store, "00000002.history", content);

        assertEquals(ReplyCode.CONFLICT, outcome.code(), outcome.message());
    }

    @Test
    void aStoredFileThatNoLongerDecodesFailsTheRePushAndStaysAsItIs() throws IOException, IngestException {
        BarmanStore store = store(Compression.ZSTD);
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);
        push(store, SEGMENT, content);
        Path stored = wals().resolve(HASH_DIR).resolve(SEGMENT);
        byte[] damaged = Files.readAllBytes(stored);
        damaged[damaged.length / 2] ^= 0x55;
        Files.write(stored, damaged);

        IngestException e = assertThrows(IngestException.class, () -> push(store, SEGMENT, content));

        assertEquals(ReplyCode.FAILED, e.code());
        assertTrue(e.getMessage().contains("cannot be read to compare it with this upload"), e.getMessage());
        assertArrayEquals(damaged, Files.readAllBytes(stored));
    }

    @Test
    void wrongChecksumIsRejectedAndNothingStored() throws IOException {
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);

        assertRejected(() -> push(store(Compression.ZSTD), "pg", SEGMENT, content, content.length, crc(content) ^ 1),
                SEGMENT, "checksum");

        assertFalse(Files.exists(wals().resolve(HASH_DIR).resolve(SEGMENT)));
        assertFalse(Files.exists(xlogDb()));
        assertNoHiddenFiles();
    }

    // ---- uploads sent zstd-compressed (wire_compression = zstd) ----

    @Test
    void aZstdUploadToAZstdServerIsStoredAsSentAndIndexed() throws IOException, IngestException {
        byte[] plain = segment(SEGMENT, SYSTEM_ID, 1);
        byte[] frame = zstdFrame(plain);

        assertEquals(ReplyCode.STORED, pushZstd(store(Compression.ZSTD), SEGMENT, plain, frame).code());

        Path stored = wals().resolve(HASH_DIR).resolve(SEGMENT);
        assertArrayEquals(frame, Files.readAllBytes(stored), "compressed once: the agent's own frame");
        assertArrayEquals(plain, plainContent(stored));
        assertEquals(List.of(line(SEGMENT, stored, Compression.ZSTD)), xlogDbLines());
        assertNoHiddenFiles();
    }

    @Test
    void aZstdUploadToAGzipServerIsStoredAsGzip() throws IOException, IngestException {
        byte[] plain = segment(SEGMENT, SYSTEM_ID, 1);

        assertEquals(ReplyCode.STORED, pushZstd(store(Compression.GZIP), SEGMENT, plain, zstdFrame(plain)).code());

        Path stored = wals().resolve(HASH_DIR).resolve(SEGMENT);
        assertEquals(Compression.GZIP, codecOf(stored));
        assertArrayEquals(plain, plainContent(stored));
        assertEquals(List.of(line(SEGMENT, stored, Compression.GZIP)), xlogDbLines());
        assertNoHiddenFiles();
    }

    @Test
    void aZstdRePushIsComparedByItsPlainBytes() throws IOException, IngestException {
        BarmanStore store = store(Compression.GZIP);
        byte[] plain = segment(SEGMENT, SYSTEM_ID, 1);
        push(store, SEGMENT, plain);
        byte[] other = plain.clone();
        other[5000] ^= 1;

        assertEquals(ReplyCode.ALREADY_STORED, pushZstd(store, SEGMENT, plain, zstdFrame(plain)).code());
        assertEquals(ReplyCode.CONFLICT, pushZstd(store, SEGMENT, other, zstdFrame(other)).code());
        assertArrayEquals(plain, plainContent(wals().resolve(HASH_DIR).resolve(SEGMENT)));
        assertNoHiddenFiles();
    }

    @Test
    void aZstdUploadGetsTheChecksOfAPlainOne() throws IOException, IngestException {
        BarmanStore store = store(Compression.ZSTD);
        push(store, SEGMENT, segment(SEGMENT, SYSTEM_ID, 1));
        String next = "000000010000000000000002";
        byte[] other = segment(next, OTHER_SYSTEM_ID, 2);

        assertRejected(() -> pushZstd(store, next, other, zstdFrame(other)), "system identifier");

        assertFalse(Files.exists(wals().resolve(HASH_DIR).resolve(next)));
        assertNoHiddenFiles();
    }

    /** Compressed input is hostile input too: nothing of a frame that is not what its PUT says is stored. */
    @Test
    void aZstdFrameThatIsNotTheAnnouncedFileIsRejectedAndNothingStored() throws IOException {
        byte[] plain = segment(SEGMENT, SYSTEM_ID, 1);
        byte[] frame = zstdFrame(plain);
        byte[] longer = Arrays.copyOf(plain, plain.length + 1);
        byte[] trailing = Arrays.copyOf(frame, frame.length + 3);
        byte[] truncated = Arrays.copyOf(frame, frame.length - 5);
        byte[] gzip = gzip(plain);

        assertRejected(() -> pushZstd(store(Compression.ZSTD), SEGMENT, plain, zstdFrame(longer)), SEGMENT,
                "more than the announced " + plain.length);
        assertRejected(() -> pushZstd(store(Compression.ZSTD), SEGMENT, plain, trailing), "after the end");
        assertRejected(() -> pushZstd(store(Compression.ZSTD), SEGMENT, plain, truncated), "truncated");
        assertRejected(() -> pushZstd(store(Compression.GZIP), SEGMENT, plain, gzip), "not a zstd frame");

        assertFalse(Files.exists(wals().resolve(HASH_DIR).resolve(SEGMENT)));
        assertFalse(Files.exists(xlogDb()));
        assertNoHiddenFiles();
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(plain);
        }
        return out.toByteArray();
    }

    @Test
    void fewerBytesThanAnnouncedIsRejected() throws IOException {
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);
        byte[] truncated = Arrays.copyOf(content, content.length - 10);

        assertRejected(() -> push(store(Compression.ZSTD), "pg", SEGMENT, truncated, content.length, crc(truncated)),
                SEGMENT, String.valueOf(truncated.length), String.valueOf(content.length));

        assertFalse(Files.exists(wals().resolve(HASH_DIR).resolve(SEGMENT)));
        assertFalse(Files.exists(xlogDb()));
        assertNoHiddenFiles();
    }

    @Test
    void moreBytesThanAnnouncedIsRejectedOnWrite() throws IOException, IngestException {
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);
        Ingest ingest = store(Compression.ZSTD).begin("pg", WalFileName.parse(SEGMENT), content.length, MTIME);
        try {
            ingest.write(ByteBuffer.wrap(content));

            assertRejected(() -> ingest.write(ByteBuffer.wrap(new byte[1])), SEGMENT, String.valueOf(content.length));
        } finally {
            ingest.abort();
        }

        assertFalse(Files.exists(wals().resolve(HASH_DIR).resolve(SEGMENT)));
        assertFalse(Files.exists(xlogDb()));
        assertNoHiddenFiles();
    }

    @Test
    void oneOversizedChunkIsRejectedOnWrite() throws IOException {
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);
        byte[] longer = Arrays.copyOf(content, content.length + 1);

        assertRejected(() -> push(store(Compression.ZSTD), "pg", SEGMENT, longer, content.length, crc(longer)),
                "more than");

        assertFalse(Files.exists(wals().resolve(HASH_DIR).resolve(SEGMENT)));
        assertNoHiddenFiles();
    }

    @Test
    void anotherClusterIsRejected() throws IOException, IngestException {
        BarmanStore store = store(Compression.ZSTD);
        push(store, SEGMENT, segment(SEGMENT, SYSTEM_ID, 1));
        String next = "000000010000000000000002";

        assertRejected(() -> push(store, next, segment(next, OTHER_SYSTEM_ID, 2)), "system identifier",
                String.valueOf(OTHER_SYSTEM_ID), String.valueOf(SYSTEM_ID));

        assertFalse(Files.exists(wals().resolve(HASH_DIR).resolve(next)));
        assertEquals(1, xlogDbLines().size());
        assertEquals(IDENTITY, Files.readString(home.resolve("pg").resolve("identity.json")));
        assertNoHiddenFiles();
    }

    /** PostgreSQL names its first segments alike in every cluster: the identifier must win over a conflict. */
    @Test
    void anotherClustersSegmentUnderAnArchivedNameIsRejectedForItsSystemIdentifier()
            throws IOException, IngestException {
        BarmanStore store = store(Compression.ZSTD);
        push(store, SEGMENT, segment(SEGMENT, SYSTEM_ID, 1));
        byte[] xlogDbBefore = Files.readAllBytes(xlogDb());

        // Its first chunks end inside the header, where the system identifiers already differ.
        assertRejected(() -> push(store, SEGMENT, segment(SEGMENT, OTHER_SYSTEM_ID, 1)), "system identifier",
                String.valueOf(OTHER_SYSTEM_ID), String.valueOf(SYSTEM_ID));

        assertArrayEquals(segment(SEGMENT, SYSTEM_ID, 1), plainContent(wals().resolve(HASH_DIR).resolve(SEGMENT)));
        assertArrayEquals(xlogDbBefore, Files.readAllBytes(xlogDb()));
        assertNoHiddenFiles();
    }

    @Test
    void anIdentityWrittenByBarmanPinsTheCluster() throws IOException {
        Files.createDirectories(home.resolve("pg"));
        Files.writeString(home.resolve("pg").resolve("identity.json"),
                "{\n  \"systemid\": \"7400000000000000001\",\n  \"version\": \"15\"\n}\n");

        assertRejected(() -> push(store(Compression.ZSTD), SEGMENT, segment(SEGMENT, SYSTEM_ID, 1)),
                "system identifier", String.valueOf(SYSTEM_ID), "7400000000000000001");

        assertFalse(Files.exists(wals().resolve(HASH_DIR).resolve(SEGMENT)));
        assertNoHiddenFiles();
    }

    @Test
    void anIdentityWrittenByBarmanGetsWalshipsFieldsAndKeepsItsOwn() throws IOException, IngestException {
        Files.createDirectories(home.resolve("pg"));
        String barmans = "{\n    \"systemid\": \"7301234567890123456\",\n    \"version\": \"15\"\n}\n";
        Files.writeString(home.resolve("pg").resolve("identity.json"), barmans);

        assertEquals(ReplyCode.STORED, push(store(Compression.NONE), SEGMENT, segment(SEGMENT, SYSTEM_ID, 1)).code());

        assertEquals(IDENTITY, Files.readString(home.resolve("pg").resolve("identity.json")),
                "Barman's fields as they were, walship's added after them");
    }

    @Test
    void aSegmentOfAnotherSizeFromThePinnedClusterIsRejected() throws IOException, IngestException {
        BarmanStore store = store(Compression.NONE);
        push(store, SEGMENT, segment(SEGMENT, SYSTEM_ID, 1));
        // In 2 MiB segments this name means LSN 0/400000, which the 1 MiB archive holds as segment ...04.
        String next = "000000010000000000000002";

        assertRejected(() -> push(store, next, segment(next, SYSTEM_ID, 2, 2 * MIB, 0xD110)),
                next + " is a WAL segment of 2 MiB", "segments of 1 MiB", "Barman server of its own");

        assertFalse(Files.exists(wals().resolve(HASH_DIR).resolve(next)));
        assertEquals(1, xlogDbLines().size());
        assertNoHiddenFiles();
    }

    @Test
    void aSegmentWithAnotherWalMagicFromThePinnedClusterIsRejected() throws IOException, IngestException {
        BarmanStore store = store(Compression.NONE);
        push(store, SEGMENT, segment(SEGMENT, SYSTEM_ID, 1));
        String next = "000000010000000000000002";

        assertRejected(() -> push(store, next, segment(next, SYSTEM_ID, 2, MIB, 0xD113)), "magic 0xD113",
                "magic 0xD110");

        assertFalse(Files.exists(wals().resolve(HASH_DIR).resolve(next)));
        assertNoHiddenFiles();
    }

    @Test
    void aFirstUploadThatConflictsDoesNotPinTheCluster() throws IOException, IngestException {
        // A segment another cluster left there before any identity was written.
        byte[] foreign = segment(SEGMENT, OTHER_SYSTEM_ID, 1);
        Files.createDirectories(wals().resolve(HASH_DIR));
        Files.write(wals().resolve(HASH_DIR).resolve(SEGMENT), foreign);
        BarmanStore store = store(Compression.NONE);

        assertEquals(ReplyCode.CONFLICT, push(store, SEGMENT, segment(SEGMENT, SYSTEM_ID, 1)).code());
        assertFalse(Files.exists(home.resolve("pg").resolve("identity.json")), "a conflict must not pin");

        String next = "000000010000000000000002";
        assertEquals(ReplyCode.STORED, push(store, next, segment(next, SYSTEM_ID, 2)).code());
        assertEquals(IDENTITY, Files.readString(home.resolve("pg").resolve("identity.json")),
                "the first segment stored pins");
    }

    @Test
    void aFirstUploadThatFailsItsChecksumDoesNotPinTheCluster() throws IOException {
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);

        assertRejected(() -> push(store(Compression.NONE), "pg", SEGMENT, content, content.length,
                crc(content) + 1), "checksum mismatch");

        assertFalse(Files.exists(home.resolve("pg").resolve("identity.json")));
    }

    @Test
    void aHeaderNotMatchingTheNameIsRejected() throws IOException {
        byte[] content = segment("000000010000000000000005", SYSTEM_ID, 1);

        assertRejected(() -> push(store(Compression.ZSTD), SEGMENT, content), SEGMENT);

        assertFalse(Files.exists(wals().resolve(HASH_DIR).resolve(SEGMENT)));
        assertFalse(Files.exists(xlogDb()));
        assertFalse(Files.exists(home.resolve("pg").resolve("identity.json")),
                "a rejected header must not pin the cluster");
        assertNoHiddenFiles();
    }

    @Test
    void aFileThatIsNotWalIsRejected() throws IOException {
        byte[] content = new byte[MIB];
        new Random(5).nextBytes(content);

        assertRejected(() -> push(store(Compression.ZSTD), SEGMENT, content), "not a PostgreSQL WAL segment");

        assertFalse(Files.exists(wals().resolve(HASH_DIR).resolve(SEGMENT)));
        assertNoHiddenFiles();
    }

    @Test
    void anUnknownServerIsRejected() {
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);

        assertRejected(() -> push(store(Compression.ZSTD), "other", SEGMENT, content, content.length, crc(content)),
                "other");

        assertFalse(Files.exists(home.resolve("other")));
        assertFalse(Files.exists(home.resolve("pg")));
    }

    @Test
    void aSegmentOfImpossibleSizeIsRejectedAtBegin() {
        BarmanStore store = store(Compression.ZSTD);

        for (long size : new long[] {0, 1000, MIB - 1, MIB + 1, 3L * MIB, 2L << 30}) {
            assertRejected(() -> store.begin("pg", WalFileName.parse(SEGMENT), size, MTIME), SEGMENT,
                    String.valueOf(size));
            assertRejected(() -> store.begin("pg", WalFileName.parse(SEGMENT + ".partial"), size, MTIME));
        }
        assertFalse(Files.exists(home.resolve("pg")), "nothing is created for a refused request");
    }

    /** Such a time made the index line fail after the rename, and every retry of the file the same way. */
    @ParameterizedTest
    @ValueSource(longs = {Long.MIN_VALUE, -1_000_000_000L, -1, 0, 1, 999_999_999L, 7_258_118_400_000_000_000L,
            Long.MAX_VALUE})
    void aTimeThatMakesNoIndexLineIsRejectedAtBegin(long mtimeNanos) {
        BarmanStore store = store(Compression.ZSTD);

        assertRejected(() -> store.begin("pg", WalFileName.parse(SEGMENT), MIB, mtimeNanos), SEGMENT,
                "modification time", "clock");
        assertFalse(Files.exists(home.resolve("pg")), "nothing is created for a refused request");
    }

    @ParameterizedTest
    @ValueSource(longs = {1_000_000_000L, 1_000_000_001L, 7_258_118_399_999_999_999L})
    void theFirstAndLastIndexableTimesAreStored(long mtimeNanos) throws IOException, IngestException {
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);
        Ingest ingest = store(Compression.NONE).begin("pg", WalFileName.parse(SEGMENT), content.length, mtimeNanos);
        ingest.write(ByteBuffer.wrap(content));

        assertEquals(ReplyCode.STORED, ingest.finish(crc(content)).toCompletableFuture().join().code());
        assertEquals(1, xlogDbLines().size());
    }

    /** What an older receiver left: a stored file whose own time makes no index line, and no line for it. */
    @Test
    void anUnindexedStoredFileWithAnUnindexableTimeIsIndexedWithTheRetrysTime() throws IOException, IngestException {
        BarmanStore store = store(Compression.ZSTD);
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);
        push(store, SEGMENT, content);
        String indexed = Files.readString(xlogDb());
        Path stored = wals().resolve(HASH_DIR).resolve(SEGMENT);
        Files.writeString(xlogDb(), "");
        Files.setLastModifiedTime(stored, FileTime.from(1, TimeUnit.NANOSECONDS));

        Outcome outcome = push(store, SEGMENT, content);

        assertEquals(ReplyCode.ALREADY_STORED, outcome.code(), outcome.message());
        assertEquals(indexed, Files.readString(xlogDb()), "indexed with the time the retry brought");
        assertEquals(MTIME, Files.getLastModifiedTime(stored).to(TimeUnit.NANOSECONDS),
                "and the stored file has it too, as barman rebuild-xlogdb will read it");
    }

    /** A crash in the middle of an append leaves a line without its newline; the next append must not glue onto it. */
    @Test
    void aPartialLastLineOfXlogDbIsCutOffBeforeTheNextAppend() throws IOException, IngestException {
        BarmanStore store = store(Compression.NONE);
        push(store, SEGMENT, segment(SEGMENT, SYSTEM_ID, 1));
        String whole = Files.readString(xlogDb());
        Files.writeString(xlogDb(), "000000010000000000000002\t167", StandardOpenOption.APPEND);

        String next = "000000010000000000000003";
        push(store, next, segment(next, SYSTEM_ID, 3));

        assertEquals(whole + line(next, wals().resolve(HASH_DIR).resolve(next), Compression.NONE) + "\n",
                Files.readString(xlogDb()));
    }

    /** Even when the fragment names the very file being pushed: it is no entry, so the file is indexed. */
    @Test
    void aPartialLastLineNamingTheFileIsNoEntryOfIt() throws IOException, IngestException {
        BarmanStore store = store(Compression.NONE);
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);
        push(store, SEGMENT, content);
        String whole = Files.readString(xlogDb());
        Files.writeString(xlogDb(), "");
        Files.writeString(xlogDb(), SEGMENT + "\t" + MIB);

        assertEquals(ReplyCode.ALREADY_STORED, push(store, SEGMENT, content).code());

        assertEquals(whole, Files.readString(xlogDb()));
    }

    @Test
    void aTextFileOfImpossibleSizeIsRejectedAtBegin() {
        BarmanStore store = store(Compression.ZSTD);

        assertRejected(() -> store.begin("pg", WalFileName.parse("00000002.history"), 0, MTIME), "00000002.history");
        assertRejected(() -> store.begin("pg", WalFileName.parse("00000002.history"), TimelineHistory.MAX_SIZE + 1,
                MTIME), "00000002.history");
        assertRejected(() -> store.begin("pg", WalFileName.parse("00000002.history"), 16 << 20, MTIME),
                "00000002.history is 16777216 bytes", "so it is not one");
        assertRejected(() -> store.begin("pg", WalFileName.parse("000000010000000000000002.00000028.backup"),
                BackupHistoryFile.MAX_SIZE + 1, MTIME), "backup");
        assertFalse(Files.exists(home.resolve("pg")));
    }

    @Test
    void aHistoryFileThatIsNotATimelineHistoryIsRejectedAndNothingStored() throws IOException {
        BarmanStore store = store(Compression.ZSTD);
        byte[] junk = "this is not a timeline history\n".getBytes(StandardCharsets.US_ASCII);

        assertRejected(() -> push(store, "00000002.history", junk), "00000002.history");

        assertFalse(Files.exists(wals().resolve("00000002.history")));
        assertFalse(Files.exists(xlogDb()));
        assertNoHiddenFiles();
    }

    @Test
    void aBackupLabelWhoseStartDoesNotMatchItsNameIsRejected() throws IOException {
        String name = "000000010000000000000002.00000028.backup";
        byte[] label = ("START WAL LOCATION: 0/3000028 (file 000000010000000000000003)\n"
                + "STOP WAL LOCATION: 0/3000100 (file 000000010000000000000003)\n"
                + "CHECKPOINT LOCATION: 0/3000060\nBACKUP METHOD: streamed\nBACKUP FROM: primary\n"
                + "START TIME: 2026-12-01 10:00:00 UTC\nLABEL: base\nSTART TIMELINE: 1\n")
                .getBytes(StandardCharsets.US_ASCII);

        assertRejected(() -> push(store(Compression.NONE), name, label), name);

        assertFalse(Files.exists(wals().resolve(HASH_DIR).resolve(name)));
        assertNoHiddenFiles();
    }

    @Test
    void aBackupLabelAsPostgresWritesItIsStored() throws IOException, IngestException {
        String name = "000000010000000000000002.00000028.backup";
        byte[] label = ("START WAL LOCATION: 0/2000028 (file 000000010000000000000002)\n"
                + "STOP WAL LOCATION: 0/2000100 (file 000000010000000000000002)\n"
                + "CHECKPOINT LOCATION: 0/2000060\nBACKUP METHOD: streamed\nBACKUP FROM: primary\n"
                + "START TIME: 2026-12-01 10:00:00 UTC\nLABEL: base\nSTART TIMELINE: 1\n"
                + "STOP TIME: 2026-12-01 10:00:01 UTC\nSTOP TIMELINE: 1\n").getBytes(StandardCharsets.US_ASCII);

        assertEquals(ReplyCode.STORED, push(store(Compression.NONE), name, label).code());
    }

    @Test
    void abortDropsTheTempFileAndMayBeRepeated() throws IOException, IngestException {
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);
        Ingest ingest = store(Compression.ZSTD).begin("pg", WalFileName.parse(SEGMENT), content.length, MTIME);
        ingest.write(ByteBuffer.wrap(content, 0, 4096));

        ingest.abort();
        ingest.abort();

        assertNoHiddenFiles();
        assertFalse(Files.exists(wals().resolve(HASH_DIR).resolve(SEGMENT)));
    }

    // ---- concurrency ----

    @Test
    void eightAgentsStoringDifferentSegmentsAtOnce() throws Exception {
        BarmanStore store = store(Compression.ZSTD);
        int threads = 8;
        int perThread = 10;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Callable<List<String>>> agents = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t * perThread;
            agents.add(() -> {
                start.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                List<String> names = new ArrayList<>();
                for (int i = first; i < first + perThread; i++) {
                    String name = String.format("%08X%08X%08X", 1, i % 4, i + 1);
                    Outcome outcome = push(store, name, segment(name, SYSTEM_ID, i));
                    assertEquals(ReplyCode.STORED, outcome.code(), outcome.message());
                    names.add(name);
                }
                return names;
            });
        }

        List<String> pushed = new ArrayList<>();
        for (List<String> names : runAll(agents)) {
            pushed.addAll(names);
        }

        List<String> lines = xlogDbLines();
        assertEquals(threads * perThread, lines.size(), "one xlog.db line per segment");
        List<String> indexed = lines.stream().map(XlogDbLine::nameOf).toList();
        assertEquals(threads * perThread, new HashSet<>(indexed).size(), "no duplicates in xlog.db");
        assertEquals(new HashSet<>(pushed), new HashSet<>(indexed));
        for (String line : lines) {
            String[] fields = line.split("\t", -1);
            assertEquals(4, fields.length, line);
            assertTrue(fields[0].length() == 24 && fields[1].matches("[1-9][0-9]*"), line);
            assertEquals(MTIME_REPR, fields[2], line);
            assertEquals("zstd", fields[3], line);
        }
        for (int i = 0; i < threads * perThread; i++) {
            String name = String.format("%08X%08X%08X", 1, i % 4, i + 1);
            Path stored = wals().resolve(HashDirLayout.hashDir(WalFileName.parse(name))).resolve(name);
            assertTrue(Files.isRegularFile(stored), stored + " should exist");
            assertArrayEquals(segment(name, SYSTEM_ID, i), plainContent(stored), name);
            assertTrue(lines.contains(line(name, stored, Compression.ZSTD)), name + " indexed with its stored size");
        }
        assertNoHiddenFiles();
    }

    @Test
    void fourAgentsPushingTheSameSegmentAtOnce() throws Exception {
        BarmanStore store = store(Compression.ZSTD);
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);
        int agents = 4;
        CyclicBarrier beforeFinish = new CyclicBarrier(agents);
        List<Callable<ReplyCode>> pushes = new ArrayList<>();
        for (int a = 0; a < agents; a++) {
            pushes.add(() -> {
                Ingest ingest = store.begin("pg", WalFileName.parse(SEGMENT), content.length, MTIME);
                try {
                    ingest.write(ByteBuffer.wrap(content));
                    beforeFinish.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    return ingest.finish(crc(content)).toCompletableFuture().join().code();
                } finally {
                    ingest.abort();
                }
            });
        }

        List<ReplyCode> codes = runAll(pushes);

        assertEquals(1, codes.stream().filter(c -> c == ReplyCode.STORED).count(), codes.toString());
        assertEquals(3, codes.stream().filter(c -> c == ReplyCode.ALREADY_STORED).count(), codes.toString());
        Path stored = wals().resolve(HASH_DIR).resolve(SEGMENT);
        assertEquals(List.of(line(SEGMENT, stored, Compression.ZSTD)), xlogDbLines());
        assertArrayEquals(content, plainContent(stored));
        assertNoHiddenFiles();
    }

    /** Runs the tasks on their own threads at once and returns their results, rethrowing any failure. */
    private static <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
        try (ExecutorService executor = Executors.newFixedThreadPool(tasks.size())) {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(executor.submit(task));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            }
            return results;
        }
    }
}
