package io.walship.agent.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.walship.agent.Checkout;
import io.walship.agent.config.AgentConfig;
import io.walship.agent.spool.SpoolLayout;
import io.walship.testing.AgentConfigFile;
import io.walship.testing.NoJavaRuntime;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's fetch without a JVM (bin/lib/fetched.sh), run as PostgreSQL runs it: {@code bin/walship fetch
 * --config F NAME pg_wal/RECOVERYXLOG} in a data directory, from a copy of the launcher whose Java is a program that
 * only notes that it was started. A fetch the launcher answers leaves no such note; one it must not answer reaches
 * "Java", and PATH stays untouched. The spool is filled by Java's own {@link ReadAheadSpool#publish}.
 */
class FetchedAheadScriptTest {

    private static final long SEGMENT_SIZE = 1L << 20;
    private static final WalFileName SEGMENT = WalFileName.parse("00000001000000000000002A");

    @TempDir
    Path dir;
    private Path launcher;
    private Path javaNote;
    private Path config;
    private Path dataDir;
    private ReadAheadSpool spool;
    private byte[] bytes;

    @BeforeEach
    void setUp() throws Exception {
        javaNote = dir.resolve("java-started");
        launcher = launcherWithoutJava(dir.resolve("walship"));
        Path spoolRoot = dir.resolve("spool");
        config = config("walship.conf", spoolRoot, "4");
        dataDir = Files.createDirectories(dir.resolve("data/pg_wal")).getParent();
        spool = new ReadAheadSpool(AgentConfig.load(config).spool());
        Files.createDirectories(spool.layout().dir());
        bytes = new byte[(int) SEGMENT_SIZE];
        new Random(42).nextBytes(bytes);
    }

    @Test
    void aVerifiedSpooledSegmentIsServedWithoutJava() throws Exception {
        spoolVerified(SEGMENT, bytes);
        Object spooledInode = Files.getAttribute(spool.pathOf(SEGMENT), "unix:ino");

        assertEquals(0, fetch(SEGMENT.name()), "expected the launcher to serve the verified spooled segment");

        assertFalse(Files.exists(javaNote), "expected no Java started for a verified spooled segment");
        assertArrayEquals(bytes, Files.readAllBytes(restored()), "expected the spooled bytes at pg_wal/RECOVERYXLOG");
        assertEquals(spooledInode, Files.getAttribute(restored(), "unix:ino"),
                "expected the spooled file linked into place (one file system), not copied");
        assertEquals(spooledInode, Files.getAttribute(spool.pathOf(SEGMENT), "unix:ino"),
                "expected the spooled file kept, for PostgreSQL asks for the last segment again");
        assertEquals(new ReadAheadSpool.Wanted(SEGMENT, SEGMENT_SIZE), spool.wanted().orElseThrow(),
                "expected the read-ahead window moved to the served segment");
    }

    @Test
    void theSameSegmentIsServedAgainWithoutJava() throws Exception {
        spoolVerified(SEGMENT, bytes);
        assertEquals(0, fetch(SEGMENT.name()));
        Files.delete(restored());

        assertEquals(0, fetch(SEGMENT.name()), "expected the launcher to serve the segment a second time");

        assertFalse(Files.exists(javaNote), "expected no Java started for the second ask");
        assertArrayEquals(bytes, Files.readAllBytes(restored()));
    }

    @Test
    void aTruncatedSpooledSegmentIsNeverServed() throws Exception {
        spoolVerified(SEGMENT, bytes);
        FileTime time = Files.getLastModifiedTime(spool.pathOf(SEGMENT));
        try (FileChannel channel = FileChannel.open(spool.pathOf(SEGMENT), StandardOpenOption.WRITE)) {
            channel.truncate(SEGMENT_SIZE / 2);
        }
        Files.setLastModifiedTime(spool.pathOf(SEGMENT), time);

        assertGoesToJava(SEGMENT.name(), "a spooled segment truncated after it was verified");
        assertTrue(Files.exists(spool.pathOf(SEGMENT)), "expected the launcher to leave the truncated file alone");
    }

    @Test
    void aSpooledSegmentWithoutARecordIsNeverServed() throws Exception {
        Files.write(spool.pathOf(SEGMENT), bytes);

        assertGoesToJava(SEGMENT.name(), "a spooled segment that was never verified");
    }

    @Test
    void anotherFileOfTheSameSizeAndTimeInPlaceOfTheVerifiedOneIsNeverServed() throws Exception {
        spoolVerified(SEGMENT, bytes);
        Path spooled = spool.pathOf(SEGMENT);
        FileTime time = Files.getLastModifiedTime(spooled);
        Path other = Files.write(dir.resolve("other"), new byte[bytes.length]);
        Files.setLastModifiedTime(other, time);
        Files.move(other, spooled, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertGoesToJava(SEGMENT.name(), "an unverified file put where the verified one was");
    }

    @Test
    void aSegmentOfTheOldTimelineIsNeverServedForTheNewOne() throws Exception {
        spoolVerified(SEGMENT, bytes);
        String newTimeline = "00000002000000000000002A";

        assertGoesToJava(newTimeline, "the new timeline's segment while the spool holds the old one's");
        assertTrue(Files.exists(spool.pathOf(SEGMENT)), "expected the old timeline's segment left alone");
    }

    @Test
    void historyFilesAreNeverTakenFromTheSpool() throws Exception {
        Path history = spool.layout().dir().resolve("00000002.history");
        Files.writeString(history, "1\t0/2000000\tno recovery target specified\n");
        new VerifiedRecords(spool.layout()).record(history.getFileName().toString(), history);

        assertGoesToJava("00000002.history", "a history file, even one with a record");
    }

    @Test
    void withPrefetchZeroTheSpoolIsNotUsed() throws Exception {
        spoolVerified(SEGMENT, bytes);
        config = config("off.conf", spool.layout().dir().getParent(), "0");

        assertGoesToJava(SEGMENT.name(), "prefetch = 0");
    }

    /**
     * No read-ahead runs (no prefetch.pid, or one naming a process that is not walship's): the launcher starts one,
     * and when that cannot run (here "Java" exits at once with an error) the fetch goes to Java.
     */
    @Test
    void withoutARunningReadAheadOneIsStartedAndWhenItCannotRunTheAskGoesToJava() throws Exception {
        assertEquals(NoJavaRuntime.EXIT, fetch("00000002.history"));
        String started = Files.readString(javaNote);
        assertTrue(started.contains(" prefetch --config " + config + " --pgdata " + dataDir.toRealPath() + "\n"),
                "expected the launcher to start the read-ahead for the data directory first: " + started);
        assertTrue(started.endsWith(" fetch --config " + config + " 00000002.history pg_wal/RECOVERYXLOG\n"),
                "expected the fetch left to Java once the read-ahead could not run: " + started);
        assertTrue(Files.exists(spool.layout().prefetchLog()), "expected the read-ahead's output in prefetch.log");
        Files.delete(javaNote);
        Files.writeString(spool.layout().prefetchPid(), ProcessHandle.current().pid() + "\n");
        assertGoesToJava("00000002.history", "a prefetch.pid naming a process that is not the read-ahead");
        assertFalse(Files.isDirectory(spool.layout().asksDir()) && Files.list(spool.layout().asksDir()).findAny()
                .isPresent(), "expected no ask left behind");
    }

    @Test
    void theScriptNamesWhatSpoolLayoutNames() throws Exception {
        Process process = new ProcessBuilder("bash", "-c", ". \"$0\"; printf '%s\\n' \"$spool_verified\" "
                + "\"$spool_asks\" \"$spool_found\" \"$spool_missing\" \"$spool_failed\" \"$spool_prefetch_pid\" "
                + "\"$spool_wanted\" \"$spool_copy_suffix\" \"$spool_prefetch_log\"", Checkout.root().resolve("bin/lib/fetched.sh").toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(String.join("\n", SpoolLayout.VERIFIED, SpoolLayout.ASKS, SpoolLayout.FOUND_SUFFIX,
                SpoolLayout.MISSING_SUFFIX, SpoolLayout.FAILED_SUFFIX, SpoolLayout.PREFETCH_PID,
                SpoolLayout.WANTED, SpoolLayout.COPY_SUFFIX, SpoolLayout.PREFETCH_LOG) + "\n", output);
    }

    // ---------------------------------------------------------------------------------------------------------

    private void spoolVerified(WalFileName name, byte[] content) throws IOException {
        Path download = SpoolLayout.downloadTemp(spool.pathOf(name));
        Files.write(download, content);
        spool.publish(download, spool.pathOf(name));
    }

    private void assertGoesToJava(String name, String what) throws Exception {
        assertEquals(NoJavaRuntime.EXIT, fetch(name), "expected " + what + " to be left to Java");
        assertTrue(Files.exists(javaNote), "expected Java started for " + what);
        assertFalse(Files.exists(restored()), "expected nothing at pg_wal/RECOVERYXLOG for " + what);
        Files.delete(javaNote);
    }

    private Path restored() {
        return dataDir.resolve("pg_wal/RECOVERYXLOG");
    }

    private int fetch(String name) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(launcher.resolve("bin/walship").toString(), "fetch", "--config",
                config.toString(), name, "pg_wal/RECOVERYXLOG").directory(dataDir.toFile()).redirectErrorStream(true);
        builder.environment().remove(AgentConfig.ENVIRONMENT);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("walship fetch " + name + " did not finish within 60 s:\n" + output);
        }
        return process.exitValue();
    }

    private Path config(String fileName, Path spoolDirectory, String prefetch) throws IOException {
        Path placeholder = Files.writeString(dir.resolve("tls-placeholder"), "only readability is checked\n");
        return AgentConfigFile.forServer("pg", 9433).tls(placeholder, placeholder, placeholder)
                .set("spool_directory", spoolDirectory).set("prefetch", prefetch).writeTo(dir.resolve(fileName));
    }

    /** The checkout's launcher in a tree of its own, with {@link NoJavaRuntime}. */
    private Path launcherWithoutJava(Path home) throws IOException {
        Path bin = Files.createDirectories(home.resolve("bin/lib"));
        try (var scripts = Files.list(Checkout.root().resolve("bin/lib"))) {
            for (Path script : scripts.toList()) {
                Files.copy(script, bin.resolve(script.getFileName()));
            }
        }
        Files.copy(Checkout.root().resolve("bin/walship"), home.resolve("bin/walship"));
        NoJavaRuntime.install(home, javaNote);
        return home;
    }
}
