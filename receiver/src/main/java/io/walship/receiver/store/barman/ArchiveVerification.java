package io.walship.receiver.store.barman;

import io.walship.receiver.config.BarmanServer;
import io.walship.receiver.store.StoreEvents;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything one server's archive must hold up to, checked file by file: every stored file decodes and passes the
 * checks of an upload, matches the checksum recorded when it was stored and is listed in xlog.db with its stored
 * size; every xlog.db line has its file; and the segments of each timeline follow one another without a gap
 * (like WAL-G's wal-verify), since recovery stops at the first missing segment.
 */
public final class ArchiveVerification {

    /** How bad a finding is: a gap or damage loses recovery, an unindexed file only needs the receiver's start. */
    public enum Severity {
        WARNING, CRITICAL
    }

    /** One thing wrong, in one line. */
    public record Finding(Severity severity, String text) {
    }

    /** What was checked and found. */
    public record Report(String server, int files, int withChecksum, List<Finding> findings) {

        public Optional<Severity> worst() {
            return findings.stream().map(Finding::severity).max(Enum::compareTo);
        }
    }

    private final BarmanServer server;
    private final ServerArchive archive;
    private final List<Finding> findings = new ArrayList<>();

    private ArchiveVerification(BarmanServer server, Duration lockTimeout) {
        this.server = server;
        this.archive = new ServerArchive(server, new XlogDb(server, lockTimeout, StoreEvents.NONE));
    }

    /** Reads every stored file of {@code server} once; waits at most {@code lockTimeout} for Barman's lock. */
    public static Report verify(BarmanServer server, Duration lockTimeout) throws IOException {
        return new ArchiveVerification(server, lockTimeout).run();
    }

    private Report run() throws IOException {
        Map<String, Long> listed;
        List<Path> stored;
        // A consistent view of index and files; the files are read after the lock is given back to Barman.
        try (XlogDb.Held lock = archive.xlogDb().lockForReading()) {
            listed = new TreeMap<>(archive.xlogDb().storedSizes());
            stored = archive.layout().storedFiles();
        }
        int withChecksum = 0;
        Map<Long, TreeSet<Long>> segmentsByTimeline = new TreeMap<>();
        OptionalLong segmentSize = pinnedSegmentSize();
        for (Path file : stored) {
            String fileName = file.getFileName().toString();
            WalFileName name = WalFileName.parse(fileName);
            if (!archive.layout().pathOf(name).equals(file)) {
                critical(file + " is not where Barman looks for " + fileName + " (" + archive.layout().pathOf(name)
                        + "): recovery cannot find it");
                continue;
            }
            if (!Files.exists(file)) {
                // Barman's retention removed it since the listing.
                listed.remove(fileName);
                continue;
            }
            StoredFile examined;
            long storedSize;
            try {
                examined = StoredFile.examine(name, file);
                storedSize = Files.size(file);
            } catch (NoSuchFileException e) {
                listed.remove(fileName);
                continue;
            }
            examined.problem().ifPresent(problem -> critical("DAMAGED " + file + ": " + problem));
            Optional<PlainChecksums.Sum> recorded = archive.checksums().of(fileName);
            if (recorded.isPresent()) {
                withChecksum++;
                if (examined.problem().isEmpty() && !recorded.get().equals(examined.sum())) {
                    critical("DAMAGED " + file + ": holds " + describe(examined.sum()) + ", stored was "
                            + describe(recorded.get()));
                }
            }
            Long indexedSize = listed.remove(fileName);
            if (indexedSize == null) {
                warning("UNINDEXED " + file + ": stored but not in xlog.db, so Barman neither restores nor expires "
                        + "it; the receiver indexes it when it starts");
            } else if (indexedSize != storedSize) {
                critical("DAMAGED " + file + ": " + storedSize + " bytes, xlog.db says " + indexedSize);
            }
            if (name.kind() == WalFileName.Kind.SEGMENT) {
                if (segmentSize.isEmpty() && examined.problem().isEmpty()) {
                    segmentSize = OptionalLong.of(examined.sum().size());
                }
                long size = segmentSize.orElse(16L << 20);
                segmentsByTimeline.computeIfAbsent(name.timeline(), t -> new TreeSet<>()).add(
                        name.startLsn(size) / size);
            }
        }
        listed.keySet().forEach(name -> critical("MISSING " + name + ": listed in xlog.db but not stored under "
                + server.directories().walsDirectory() + "; recovery through it fails"));
        long perLog = 0x1_0000_0000L / segmentSize.orElse(16L << 20);
        segmentsByTimeline.forEach((timeline, numbers) -> reportGaps(timeline, numbers, perLog));
        return new Report(server.name(), stored.size(), withChecksum, List.copyOf(findings));
    }

    private OptionalLong pinnedSegmentSize() throws IOException {
        return Identity.read(server.identityFile()).map(Identity::segmentSize).orElse(OptionalLong.empty());
    }

    /** Segment numbers in order; each run of missing ones named by its first and last segment. */
    private void reportGaps(long timeline, TreeSet<Long> numbers, long perLog) {
        Long previous = null;
        for (long number : numbers) {
            if (previous != null && number > previous + 1) {
                long missing = number - previous - 1;
                String first = segmentName(timeline, previous + 1, perLog);
                critical("GAP on timeline " + timeline + ": " + (missing == 1 ? first + " is missing"
                        : missing + " segments are missing, " + first + " to " + segmentName(timeline, number - 1,
                        perLog)) + "; recovery cannot replay past it");
            }
            previous = number;
        }
    }

    private static String segmentName(long timeline, long number, long perLog) {
        return String.format("%08X%08X%08X", timeline, number / perLog, number % perLog);
    }

    private static String describe(PlainChecksums.Sum sum) {
        return String.format("%d plain bytes with CRC-32C %08x as %s", sum.size(), sum.crc32c(), sum.codec().configName);
    }

    private void critical(String text) {
        findings.add(new Finding(Severity.CRITICAL, text));
    }

    private void warning(String text) {
        findings.add(new Finding(Severity.WARNING, text));
    }
}
