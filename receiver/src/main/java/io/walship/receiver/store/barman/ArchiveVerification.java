package io.walship.receiver.store.barman;

import io.walship.receiver.config.BarmanServer;
import io.walship.receiver.store.StoreEvents;
import io.walship.receiver.store.verify.Findings;
import io.walship.receiver.store.verify.Findings.Report;
import io.walship.receiver.store.verify.SegmentRuns;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Everything one server's archive must hold up to, checked file by file: every stored file decodes and passes the
 * checks of an upload, matches the checksum recorded when it was stored and is listed in xlog.db with its stored
 * size; every xlog.db line has its file; and the segments of each timeline follow one another without a gap
 * (like WAL-G's wal-verify), since recovery stops at the first missing segment.
 */
public final class ArchiveVerification {

    private final BarmanServer server;
    private final ServerArchive archive;
    private final Findings findings = new Findings();

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
        SegmentRuns segments = new SegmentRuns(pinnedSegmentSize());
        for (Path file : stored) {
            String fileName = file.getFileName().toString();
            WalFileName name = WalFileName.parse(fileName);
            if (!archive.layout().pathOf(name).equals(file)) {
                findings.critical(file + " is not where Barman looks for " + fileName + " ("
                        + archive.layout().pathOf(name) + "): recovery cannot find it");
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
            examined.problem().ifPresent(problem -> findings.critical("DAMAGED " + file + ": " + problem));
            Optional<PlainChecksums.Sum> recorded = archive.checksums().of(fileName);
            if (recorded.isPresent()) {
                withChecksum++;
                if (examined.problem().isEmpty() && !recorded.get().equals(examined.sum())) {
                    findings.critical("DAMAGED " + file + ": holds " + describe(examined.sum()) + ", stored was "
                            + describe(recorded.get()));
                }
            }
            Long indexedSize = listed.remove(fileName);
            if (indexedSize == null) {
                findings.warning("UNINDEXED " + file + ": stored but not in xlog.db, so Barman neither restores nor "
                        + "expires it; the receiver indexes it when it starts");
            } else if (indexedSize != storedSize) {
                findings.critical("DAMAGED " + file + ": " + storedSize + " bytes, xlog.db says " + indexedSize);
            }
            if (name.kind() == WalFileName.Kind.SEGMENT) {
                segments.add(name, examined.problem().isEmpty() ? OptionalLong.of(examined.sum().size())
                        : OptionalLong.empty());
            }
        }
        listed.keySet().forEach(name -> findings.critical("MISSING " + name + ": listed in xlog.db but not stored "
                + "under " + server.directories().walsDirectory() + "; recovery through it fails"));
        segments.reportGaps(findings);
        return findings.report(server.name(), stored.size(), withChecksum);
    }

    private OptionalLong pinnedSegmentSize() throws IOException {
        return Identity.read(server.identityFile()).map(Identity::segmentSize).orElse(OptionalLong.empty());
    }

    private static String describe(PlainChecksums.Sum sum) {
        return String.format("%d plain bytes with CRC-32C %08x as %s", sum.size(), sum.crc32c(), sum.codec().configName);
    }
}
