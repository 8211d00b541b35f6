package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.walship.testing.AgentConfigFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The receiver when the disk fills up under it, made to happen at exactly one write: {@code prlimit(1)} lowers the
 * running receiver's file size limit, so that a write past that size is cut short and the next one fails, as on a
 * full disk (the JVM ignores SIGXFSZ, so the write fails with "File too large"). Nothing is acknowledged that is
 * not stored and indexed, the index stays whole, and a retry once there is room again finishes the job.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiskFullIT {

    private static final String SERVER = "pg";
    private static final Path PRLIMIT = Path.of("/usr/bin/prlimit");
    private static final int EXIT_RECEIVER_ERROR = 7;

    private final TestBed bed = new TestBed("walship-disk-full-it-");
    private ExpectedBarmanLayout store;
    private ReceiverProcess receiver;
    private Path agentConfig;

    @BeforeAll
    void startAReceiver() throws IOException {
        if (!Files.isExecutable(PRLIMIT)) {
            fail(PRLIMIT + " is missing; .ci/run must install util-linux");
        }
        CaDirectory certs = bed.ca("certs").issue("receiver", "127.0.0.1").issue("pg-agent");
        Path barmanHome = bed.directory("barman");
        store = new ExpectedBarmanLayout(barmanHome);
        receiver = bed.startReceiver(ReceiverConfigFile.barmanHome(barmanHome).tls(certs, "receiver")
                .set("compression", "gzip").server(SERVER, "pg-agent"));
        agentConfig = AgentConfigFile.forServer(SERVER, receiver.port())
                .tls(certs.caCertificate(), certs.certificate("pg-agent"), certs.key("pg-agent"))
                .set("prefetch", 0).writeTo(bed.resolve("agent.conf"));
    }

    @AfterAll
    void stopEverything() throws Exception {
        bed.close();
    }

    /** A write cut short at the xlog.db append used to leave half a line, which the next line was glued onto. */
    @Test
    void aFullDiskAtTheIndexAppendLeavesXlogDbWholeAndTheRetryIndexesTheFile() throws IOException {
        for (int timeline = 2; timeline <= 9; timeline++) {
            push(history(timeline)).assertSuccess("push of timeline " + timeline + "'s history");
        }
        Path xlogDb = store.xlogDb(SERVER);
        String before = Files.readString(xlogDb);
        Path file = history(10);

        // Room for the upload's compressed temp file, not for its whole index line.
        Proc.Result full = pushWithFileSizeLimit(Files.size(xlogDb) + 10, file).getFirst();

        assertEquals(EXIT_RECEIVER_ERROR, full.exitCode(), "expected the receiver's error: " + full.describe());
        assertTrue(full.stderr().contains("File too large"), "expected the cause in one line: " + full.describe());
        assertEquals(before, Files.readString(xlogDb), "expected xlog.db as it was: no part of a line left behind");

        push(file).assertSuccess("push of " + file.getFileName() + " once there is room again");
        List<XlogDbEntry> entries = XlogDbEntry.read(xlogDb);
        assertEquals(entries.stream().map(XlogDbEntry::name).distinct().count(), entries.size(),
                "expected one line per file: " + entries);
        List<XlogDbEntry> ofFile = entries.stream().filter(e -> e.name().equals(file.getFileName().toString()))
                .toList();
        assertEquals(1, ofFile.size(), "expected the file indexed: " + entries);
        assertEquals(Files.size(store.walPath(SERVER, file.getFileName().toString())), ofFile.getFirst().size());
    }

    @Test
    void aFullDiskAtTheTempFileFailsTheUploadLeavesNothingAndTheRetryStoresIt() throws IOException {
        Path file = history(40);
        Path xlogDb = store.xlogDb(SERVER);
        push(history(39)).assertSuccess("push of a first file");
        String before = Files.readString(xlogDb);

        // Less than gzip's own header: the first write of the temp file fails.
        Proc.Result full = pushWithFileSizeLimit(8, file).getFirst();

        assertEquals(EXIT_RECEIVER_ERROR, full.exitCode(), "expected the receiver's error: " + full.describe());
        assertTrue(full.stderr().contains("File too large"), "expected the cause in one line: " + full.describe());
        assertEquals(1, full.stderr().strip().lines().count(), full.describe());
        assertEquals(before, Files.readString(xlogDb));
        assertEquals(List.of(), store.hiddenFiles(SERVER), "expected no temp file left behind");
        assertTrue(Files.notExists(store.walPath(SERVER, file.getFileName().toString())));

        push(file).assertSuccess("push of " + file.getFileName() + " once there is room again");
    }

    /** After a crash PostgreSQL pushes again what the archive may have: answering that must need no space. */
    @Test
    void anIdenticalRePushIsAnsweredOnAFullDisk() throws IOException {
        Path file = history(50);
        push(file).assertSuccess("first push of " + file.getFileName());
        Path xlogDb = store.xlogDb(SERVER);
        String before = Files.readString(xlogDb);

        List<Proc.Result> pushed = pushWithFileSizeLimit(0, file, history(51));
        Proc.Result again = pushed.get(0);
        Proc.Result other = pushed.get(1);

        again.assertSuccess("identical re-push of " + file.getFileName() + " on a full disk");
        assertEquals(EXIT_RECEIVER_ERROR, other.exitCode(), "a new file still needs room: " + other.describe());
        assertEquals(before, Files.readString(xlogDb));
        assertEquals(List.of(), store.hiddenFiles(SERVER));
    }

    /**
     * A full disk at the checksum record, after the rename: the file is stored but neither recorded nor indexed,
     * the push fails, and its retry (which finds the file stored and identical) records and indexes it.
     */
    @Test
    void aFullDiskAtTheChecksumRecordFailsThePushAndTheRetryRecordsAndIndexesTheFile() throws IOException {
        for (int timeline = 0x70; timeline < 0x75; timeline++) {
            push(oneLineHistory(timeline)).assertSuccess("push of a first file");
        }
        Path checksums = store.serverDir(SERVER).resolve("walship-checksums");
        Path xlogDb = store.xlogDb(SERVER);
        String indexBefore = Files.readString(xlogDb);
        String checksumsBefore = Files.readString(checksums);
        Path file = oneLineHistory(0x75);
        String name = file.getFileName().toString();

        // Room for the small compressed history file, not for another checksum line.
        Proc.Result full = pushWithFileSizeLimit(Files.size(checksums) + 10, file).getFirst();

        assertEquals(EXIT_RECEIVER_ERROR, full.exitCode(), "expected the receiver's error: " + full.describe());
        assertTrue(full.stderr().contains("File too large"), full.describe());
        assertEquals(checksumsBefore, Files.readString(checksums), "no part of a line left behind");
        assertEquals(indexBefore, Files.readString(xlogDb), "not indexed without its checksum");

        push(file).assertSuccess("push of " + name + " once there is room again");
        assertTrue(Files.readString(checksums).lines().anyMatch(l -> l.startsWith(name + "\t")),
                Files.readString(checksums));
        assertEquals(1, XlogDbEntry.read(xlogDb).stream().filter(e -> e.name().equals(name)).count());
    }

    /** A history file of one line, as small as they come. */
    private Path oneLineHistory(int timeline) throws IOException {
        return Files.writeString(bed.resolve(String.format("%08X.history", timeline)),
                "1\t0/3000000\tno recovery target specified\n", StandardCharsets.US_ASCII);
    }

    /** A timeline's history file as PostgreSQL writes it: one line for each timeline before it. */
    private Path history(int timeline) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int parent = 1; parent < timeline; parent++) {
            text.append(parent).append("\t0/").append(Integer.toHexString(parent + 2).toUpperCase(Locale.ROOT))
                    .append("000000\tno recovery target specified\n");
        }
        return Files.writeString(bed.resolve(String.format("%08X.history", timeline)), text,
                StandardCharsets.US_ASCII);
    }

    private Proc.Result push(Path file) throws IOException {
        return bed.launcher().run("push", "--config", agentConfig.toString(), file.toString(),
                file.getFileName().toString());
    }

    /** Pushes {@code files} one after another while the receiver may write files of at most {@code bytes}. */
    private List<Proc.Result> pushWithFileSizeLimit(long bytes, Path... files) throws IOException {
        limitFileSize(bytes);
        try {
            List<Proc.Result> results = new ArrayList<>();
            for (Path file : files) {
                results.add(push(file));
            }
            return results;
        } finally {
            limitFileSize(-1);
        }
    }

    /** The receiver's soft limit on the size of the files it writes; -1 lifts it. */
    private void limitFileSize(long bytes) throws IOException {
        String limit = bytes < 0 ? "unlimited" : Long.toString(bytes);
        Proc.check(List.of(PRLIMIT.toString(), "--pid", Long.toString(receiver.pid()), "--fsize=" + limit + ":"),
                bed.dir(), Duration.ofSeconds(30));
    }
}
