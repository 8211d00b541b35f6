package io.walship.agent.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.agent.spool.SpoolLayout;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The read-ahead directory: its {@code .wanted} marker, handing segments over, and cleaning up. */
class ReadAheadSpoolTest {

    private static final long SIXTEEN_MIB = 16L << 20;
    private static final WalFileName SEGMENT = WalFileName.parse("000000010000000A000000FE");

    @TempDir
    Path dir;
    private Path spoolDir;
    private ReadAheadSpool spool;

    @BeforeEach
    void spool() throws IOException {
        spoolDir = Files.createDirectories(dir.resolve("spool").resolve("pg"));
        spool = new ReadAheadSpool(new SpoolLayout(spoolDir));
    }

    @Test
    void wantedReadsBackWhatWantWrote() throws IOException {
        spool.want(SEGMENT, SIXTEEN_MIB);

        assertEquals(Optional.of(new ReadAheadSpool.Wanted(SEGMENT, SIXTEEN_MIB)), spool.wanted());
        assertEquals(Set.of(".wanted"), entries(), "the temp file is renamed into place");
    }

    @Test
    void theLastWantWins() throws IOException {
        WalFileName next = SEGMENT.segmentAfter(1L << 20, 1);
        spool.want(SEGMENT, SIXTEEN_MIB);
        spool.want(next, 1L << 20);

        assertEquals(Optional.of(new ReadAheadSpool.Wanted(next, 1L << 20)), spool.wanted());
        assertEquals(Set.of(".wanted"), entries());
    }

    @Test
    void nothingWantedWithoutTheFile() throws IOException {
        assertEquals(Optional.empty(), spool.wanted());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "garbage", "000000010000000A000000FE", "000000010000000A000000FE abc",
        "000000010000000A000000FE -16777216", "000000010000000A000000FE 16777216 extra",
        "not-a-wal-file 16777216", "16777216 000000010000000A000000FE", "000000010000000A000000FE 99999999999",
        "../../etc/passwd 16777216"})
    void garbageIsNothingWanted(String content) throws IOException {
        Files.writeString(spoolDir.resolve(".wanted"), content, StandardCharsets.US_ASCII);

        assertEquals(Optional.empty(), spool.wanted(), "content: '" + content + "'");
    }

    /**
     * Bytes that are not ASCII are garbage too. If reading them threw instead, a fetch that had just moved
     * a spooled segment into place would still exit 151 (FetchCommand reads the segment size from here).
     */
    @Test
    void binaryGarbageIsNothingWanted() throws IOException {
        Files.write(spoolDir.resolve(".wanted"), new byte[] {(byte) 0xFF, 0, 0x20, (byte) 0xC3, 0x28});

        assertEquals(Optional.empty(), spool.wanted());
    }

    /**
     * Well-formed but unusable: the prefetcher computes the next names with segmentAfter, which divides by
     * the segment size and refuses anything but segments, so these must not come back as wanted.
     */
    @ParameterizedTest
    @ValueSource(strings = {"000000010000000A000000FE 0", "000000010000000A000000FE 12345",
        "000000010000000A000000FE 1024", "00000002.history 16777216"})
    void implausibleContentIsNothingWanted(String content) throws IOException {
        Files.writeString(spoolDir.resolve(".wanted"), content, StandardCharsets.US_ASCII);

        assertEquals(Optional.empty(), spool.wanted(), "content: '" + content + "'");
    }

    @Test
    void takeLinksTheSpooledSegmentToTheDestinationAndKeepsItForASecondAsk() throws IOException {
        Path destination = Files.createDirectories(dir.resolve("pg_wal")).resolve("RECOVERYXLOG");
        publish(SEGMENT, "segment bytes");

        assertTrue(spool.take(SEGMENT, destination));

        assertEquals("segment bytes", Files.readString(destination));
        assertEquals(Files.getAttribute(spool.pathOf(SEGMENT), "unix:ino"), Files.getAttribute(destination, "unix:ino"),
                "expected a second name of the spooled file, not a copy");
        assertEquals(Set.of(SEGMENT.name(), "verified"), entries(), "expected the segment and its record kept");
        Files.delete(destination);
        assertTrue(spool.take(SEGMENT, destination), "expected the same segment served again");
        assertEquals("segment bytes", Files.readString(destination));
    }

    @Test
    void startAtMovesTheWindowToTheSegmentBefore() throws IOException {
        assertTrue(spool.startAt(SEGMENT));
        assertEquals(Optional.of(new ReadAheadSpool.Wanted(SEGMENT.segmentAfter(SIXTEEN_MIB, -1), SIXTEEN_MIB)),
                spool.wanted(), "expected the window's first segment to be the one recovery starts at");

        WalFileName crossing = WalFileName.parse("000000010000000B00000000");
        assertTrue(spool.startAt(crossing));
        assertEquals(WalFileName.parse("000000010000000A000000FF"), spool.wanted().orElseThrow().name(),
                "expected the segment before across a log boundary");

        assertFalse(spool.startAt(WalFileName.parse("000000010000000000000000")), "nothing comes before the first");
    }

    @Test
    void anUnverifiedOrTruncatedSpooledSegmentIsNeverTaken() throws IOException {
        Path destination = Files.createDirectories(dir.resolve("pg_wal")).resolve("RECOVERYXLOG");
        Files.writeString(spool.pathOf(SEGMENT), "segment bytes");

        assertFalse(spool.take(SEGMENT, destination), "no record of verification");

        publish(SEGMENT, "segment bytes");
        java.nio.file.attribute.FileTime time = Files.getLastModifiedTime(spool.pathOf(SEGMENT));
        Files.writeString(spool.pathOf(SEGMENT), "segment");
        Files.setLastModifiedTime(spool.pathOf(SEGMENT), time);

        assertFalse(spool.take(SEGMENT, destination), "truncated after it was verified");
        assertFalse(Files.exists(destination));
    }

    @Test
    void publishRecordsTheVerifiedFileBeforeItIsInTheSpool() throws IOException {
        publish(SEGMENT, "segment bytes");

        assertEquals(VerifiedRecords.stamp(spool.pathOf(SEGMENT)),
                Files.readString(spoolDir.resolve("verified").resolve(SEGMENT.name())).strip());
        assertEquals(Set.of(SEGMENT.name(), "verified"), entries(), "no temp file left behind");
    }

    @Test
    void takeReplacesALeftoverDestination() throws IOException {
        Path destination = Files.createDirectories(dir.resolve("pg_wal")).resolve("RECOVERYXLOG");
        Files.writeString(destination, "an older restore");
        publish(SEGMENT, "segment bytes");

        assertTrue(spool.take(SEGMENT, destination));

        assertEquals("segment bytes", Files.readString(destination));
    }

    @Test
    void takeOfASegmentThatIsNotSpooledIsFalse() throws IOException {
        Path destination = Files.createDirectories(dir.resolve("pg_wal")).resolve("RECOVERYXLOG");
        Files.writeString(spool.pathOf(SEGMENT.segmentAfter(SIXTEEN_MIB, 1)), "another segment");

        assertFalse(spool.take(SEGMENT, destination));

        assertFalse(Files.exists(destination));
        assertTrue(Files.exists(spool.pathOf(SEGMENT.segmentAfter(SIXTEEN_MIB, 1))), "other segments stay");
    }

    @Test
    void pathOfIsTheNameInTheSpool() {
        assertEquals(spoolDir.resolve("000000010000000A000000FE"), spool.pathOf(SEGMENT));
        assertEquals(spoolDir, spool.layout().dir());
    }

    @Test
    void dropStaleKeepsOnlyTheGivenSegmentsAndEveryOtherFile() throws IOException {
        String keep1 = "000000010000000A000000FF";
        String keep2 = "000000010000000B00000000";
        String replayed = "000000010000000A000000FD";
        String otherTimeline = "000000020000000B00000000";
        String tooFar = "000000010000000B00000007";
        String download = "." + keep2 + ".1b4e28ba-2fa1-11d2-883f-0016d3cca427.walship-tmp";
        Set<String> others = Set.of("prefetch.log", ".wanted", ".prefetch.lock", download, "README");
        for (String name : Stream.concat(Stream.of(keep1, keep2, replayed, otherTimeline, tooFar),
                others.stream()).toList()) {
            Files.writeString(spoolDir.resolve(name), name);
        }
        Files.createDirectory(spoolDir.resolve("sub"));

        spool.dropStale(Set.of(keep1, keep2, "000000010000000B00000001"));

        Set<String> expected = new TreeSet<>(others);
        expected.add(keep1);
        expected.add(keep2);
        expected.add("sub");
        assertEquals(expected, entries());
        assertEquals(".wanted", Files.readString(spoolDir.resolve(".wanted")), "untouched");
    }

    @Test
    void dropStaleWithNothingToKeepEmptiesOnlyTheSegments() throws IOException {
        Files.writeString(spoolDir.resolve(SEGMENT.name()), "x");
        Files.writeString(spoolDir.resolve("prefetch.log"), "log");
        spool.want(SEGMENT, SIXTEEN_MIB);

        spool.dropStale(Set.of());

        assertEquals(Set.of("prefetch.log", ".wanted"), entries());
        assertEquals(Optional.of(new ReadAheadSpool.Wanted(SEGMENT, SIXTEEN_MIB)), spool.wanted());
    }

    @Test
    void dropLeftoversRemovesOnlyUnfinishedDownloads() throws IOException {
        String leftover1 = "." + SEGMENT.name() + ".1b4e28ba-2fa1-11d2-883f-0016d3cca427.walship-tmp";
        String leftover2 = ".000000010000000A000000FF.6fa459ea-ee8a-3ca4-894e-db77e160355e.walship-tmp";
        Set<String> kept = Set.of(SEGMENT.name(), "000000010000000A000000FF", "prefetch.log", ".wanted",
                ".prefetch.lock", "notes.walship-tmp.txt");
        for (String name : Stream.concat(Stream.of(leftover1, leftover2), kept.stream()).toList()) {
            Files.writeString(spoolDir.resolve(name), name);
        }

        spool.dropLeftovers();

        assertEquals(new TreeSet<>(kept), entries());
    }

    @Test
    void cleaningAnEmptySpoolIsFine() throws IOException {
        spool.dropLeftovers();
        spool.dropStale(Set.of());

        assertEquals(Set.of(), entries());
    }

    @Test
    void dropStaleDropsTheRecordsOfWhatItDrops() throws IOException {
        String keep = "000000010000000A000000FF";
        publish(SEGMENT, "dropped");
        publish(WalFileName.parse(keep), "kept");

        spool.dropStale(Set.of(keep));

        try (Stream<Path> list = Files.list(spoolDir.resolve("verified"))) {
            assertEquals(List.of(keep), list.map(p -> p.getFileName().toString()).toList());
        }
    }

    private void publish(WalFileName name, String content) throws IOException {
        Path download = SpoolLayout.downloadTemp(spool.pathOf(name));
        Files.writeString(download, content);
        spool.publish(download, spool.pathOf(name));
    }

    private Set<String> entries() throws IOException {
        try (Stream<Path> list = Files.list(spoolDir)) {
            return new TreeSet<>(list.map(p -> p.getFileName().toString()).toList());
        }
    }
}
