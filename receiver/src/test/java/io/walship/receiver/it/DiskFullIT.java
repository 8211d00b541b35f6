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
        limitFileSize(Files.size(xlogDb) + 10);
        Proc.Result full;
        try {
            full = push(file);
        } finally {
            limitFileSize(-1);
        }

        assertEquals(EXIT_RECEIVER_ERROR, full.exitCode(), "expected the receiver's error: " + full.describe());
        assertTrue(full.stderr().contains("File too large"), "expected the cause in one line: " + full.describe());
        assertEquals(before, Files.readString(xlogDb), "expected xlog.db as it was: no part of a line left behind");

        push(file).assertSuccess("push of " + file.getFileName() + " once there is room again");
        List<XlogDbEntry> entries = XlogDbEntry.read(xlogDb);
        assertEquals(9, entries.size(), "expected one line per file: " + entries);
        assertEquals(file.getFileName().toString(), entries.getLast().name());
        assertEquals(Files.size(store.walPath(SERVER, file.getFileName().toString())), entries.getLast().size());
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

    /** The receiver's soft limit on the size of the files it writes; -1 lifts it. */
    private void limitFileSize(long bytes) throws IOException {
        String limit = bytes < 0 ? "unlimited" : Long.toString(bytes);
        Proc.check(List.of(PRLIMIT.toString(), "--pid", Long.toString(receiver.pid()), "--fsize=" + limit + ":"),
                bed.dir(), Duration.ofSeconds(30));
    }
}
