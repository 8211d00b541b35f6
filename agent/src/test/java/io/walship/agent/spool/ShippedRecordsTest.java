package io.walship.agent.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The agent's durable records of what the receiver acknowledged, as push and the launcher read them. */
class ShippedRecordsTest {

    private static final String NAME = "000000010000000000000007";

    @TempDir
    Path dir;

    /** The launcher compares the record with GNU stat's output: both must print the very same text. */
    @ParameterizedTest
    @ValueSource(strings = {"2024-02-03 04:05:06.012345678 UTC", "2020-01-01 00:00:00 UTC",
        "2023-11-14 22:13:20.000000001 UTC", "2001-09-09 01:46:40.5 UTC", "now"})
    void theStampIsWhatGnuStatPrints(String time) throws Exception {
        Path file = dir.resolve("segment");
        Files.write(file, new byte[12_345]);
        run("touch", "-d", time, file.toString());

        String stat = run("stat", "-c", "%s %.9Y", file.toString()).strip();

        assertEquals(stat, ShippedRecords.stamp(file));
        assertEquals(stat, ShippedRecords.stamp(attributes(file)));
        assertTrue(stat.matches("12345 [0-9]+\\.[0-9]{9}"), "unexpected stat output " + stat);
    }

    @Test
    void theStampOfAnEmptyFileWithAWholeSecondPadsTheNanoseconds() throws Exception {
        Path file = Files.createFile(dir.resolve("empty"));
        Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(1_577_836_800L)));

        assertEquals("0 1577836800.000000000", ShippedRecords.stamp(file));
    }

    @Test
    void aRecordMatchesOnlyTheSameSizeAndModificationTime() throws Exception {
        ShippedRecords records = new ShippedRecords(new SpoolLayout(dir));
        Path file = segment("2024-05-06 07:08:09.123456789 UTC");
        BasicFileAttributes shipped = attributes(file);
        assertFalse(records.matches(NAME, shipped), "nothing recorded yet");

        records.record(NAME, ShippedRecords.stamp(shipped));

        assertTrue(records.matches(NAME, shipped));
        assertTrue(records.matches(NAME, attributes(file)), "the same file, read again");
        assertFalse(records.matches("000000010000000000000008", shipped), "another name");

        Files.setLastModifiedTime(file, FileTime.from(shipped.lastModifiedTime().to(TimeUnit.NANOSECONDS) + 1,
                TimeUnit.NANOSECONDS));
        assertFalse(records.matches(NAME, attributes(file)), "a modification time one nanosecond later");

        Files.write(file, new byte[1025]);
        Files.setLastModifiedTime(file, shipped.lastModifiedTime());
        assertEquals(shipped.lastModifiedTime(), attributes(file).lastModifiedTime());
        assertFalse(records.matches(NAME, attributes(file)), "another size with the same time");
    }

    @Test
    void theRecordIsTheStampOnOneLine() throws Exception {
        ShippedRecords records = new ShippedRecords(new SpoolLayout(dir));
        Path file = segment("2024-05-06 07:08:09.000000042 UTC");

        records.record(NAME, ShippedRecords.stamp(file));

        assertEquals(ShippedRecords.stamp(file) + "\n",
                Files.readString(dir.resolve("shipped").resolve(NAME), StandardCharsets.US_ASCII));
        assertEquals("1024 1714979289.000000042", ShippedRecords.stamp(file));
    }

    @Test
    void recordingCreatesTheDirectoryAndLeavesNoTemporaryFileBehind() throws Exception {
        Path recordDir = dir.resolve("spool/pg/shipped");
        SpoolLayout spool = new SpoolLayout(dir.resolve("spool/pg"));
        ShippedRecords records = new ShippedRecords(spool);
        assertEquals(recordDir, spool.shippedDir());
        Path file = segment("2024-05-06 07:08:09.5 UTC");

        records.record(NAME, ShippedRecords.stamp(file));
        records.record("000000010000000000000008", ShippedRecords.stamp(file));

        assertEquals(Set.of(NAME, "000000010000000000000008"), Set.copyOf(list(recordDir)),
                "expected the two records and nothing else (no temporary file) in " + recordDir);
    }

    @Test
    void recordingAgainReplacesTheRecord() throws Exception {
        ShippedRecords records = new ShippedRecords(new SpoolLayout(dir));
        Path file = segment("2024-05-06 07:08:09.1 UTC");
        records.record(NAME, "1 2.000000000");
        assertFalse(records.matches(NAME, attributes(file)));

        records.record(NAME, ShippedRecords.stamp(file));

        assertTrue(records.matches(NAME, attributes(file)));
        assertEquals(List.of(NAME), list(dir.resolve("shipped")));
    }

    @Test
    void aTemporaryFileLeftByAnInterruptedWriteIsNeitherANameNorAMatchAndIsOverwritten() throws Exception {
        Path recordDir = Files.createDirectories(dir.resolve("shipped"));
        ShippedRecords records = new ShippedRecords(new SpoolLayout(dir));
        Path file = segment("2024-05-06 07:08:09.2 UTC");
        // A crash between writing the temporary file and renaming it leaves this behind.
        Files.writeString(recordDir.resolve("." + NAME + ".tmp"), ShippedRecords.stamp(file) + "\n");

        assertEquals(Set.of(), records.names());
        assertFalse(records.matches(NAME, attributes(file)));

        records.record(NAME, ShippedRecords.stamp(file));
        assertEquals(List.of(NAME), list(recordDir));
        assertTrue(records.matches(NAME, attributes(file)));
    }

    @Test
    void namesListsRecordsInNameOrderAndForgetRemovesThem() throws Exception {
        ShippedRecords records = new ShippedRecords(new SpoolLayout(dir));
        assertEquals(Set.of(), records.names(), "no directory yet");
        Path file = segment("2024-05-06 07:08:09.3 UTC");
        for (String name : List.of("000000010000000000000009", "00000002.history", NAME,
                "000000010000000000000008.00000028.backup")) {
            records.record(name, ShippedRecords.stamp(file));
        }

        assertEquals(List.of(NAME, "000000010000000000000008.00000028.backup", "000000010000000000000009",
                "00000002.history"), List.copyOf(records.names()));

        records.forget("000000010000000000000009");
        records.forget("000000010000000000000009");
        records.forget("00000001000000000000000F");

        assertEquals(List.of(NAME, "000000010000000000000008.00000028.backup", "00000002.history"),
                List.copyOf(records.names()));
        assertFalse(records.matches("000000010000000000000009", attributes(file)), "a forgotten record");
        assertTrue(records.matches(NAME, attributes(file)));
    }

    private Path segment(String time) throws Exception {
        Path file = dir.resolve("pg_wal").resolve(NAME);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[1024]);
        run("touch", "-d", time, file.toString());
        return file;
    }

    private static BasicFileAttributes attributes(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Runs a coreutils command, environment TZ=UTC, and returns its standard output; fails on a non-zero exit. */
    private static String run(String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("TZ", "UTC");
        builder.environment().put("LC_ALL", "C");
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 30 s");
        }
        assertEquals(0, process.exitValue(), () -> String.join(" ", command) + " failed: " + output);
        return output;
    }
}
