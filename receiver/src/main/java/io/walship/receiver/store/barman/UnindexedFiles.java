package io.walship.receiver.store.barman;

import io.walship.fs.Durable;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * What a crash between a rename into the archive and its index line leaves: a stored file xlog.db does not list,
 * which Barman neither restores nor expires. Found under the index's lock (Barman's own archiver renames and
 * indexes under it too, so a file it does not list then is nobody's work in progress), each is indexed when it is
 * sound, or moved to the server's errors directory when not, where {@code barman check} reports it. Nothing is
 * deleted. The checksum lines of files no longer stored (Barman expired them) are dropped at the same time, so
 * that the checksum file does not grow for ever.
 */
final class UnindexedFiles {

    private static final Logger LOG = Logger.getLogger(UnindexedFiles.class.getName());
    /** Barman's stamp for files in its errors directory. */
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final String DAMAGED = ".damaged";

    /** How many files were indexed, how many moved aside, how many checksum lines of gone files dropped. */
    record Reconciled(int indexed, int movedAside, int checksumsDropped) {
    }

    private UnindexedFiles() {
    }

    static Reconciled reconcile(ServerArchive archive, Path errorsDirectory, Clock clock) throws IOException {
        int indexed = 0;
        int movedAside = 0;
        XlogDb xlogDb = archive.xlogDb();
        int compacted;
        try (XlogDb.Held lock = xlogDb.lock()) {
            Set<String> listed = xlogDb.names();
            Set<String> names = new HashSet<>();
            for (Path stored : archive.layout().storedFiles()) {
                String fileName = stored.getFileName().toString();
                if (listed.contains(fileName)) {
                    names.add(fileName);
                    continue;
                }
                WalFileName name = WalFileName.parse(fileName);
                StoredFile examined = StoredFile.examine(name, stored);
                Optional<String> problem = archive.layout().pathOf(name).equals(stored) ? examined.problem()
                        : Optional.of("it is not where Barman looks for it (" + archive.layout().pathOf(name) + ")");
                if (problem.isEmpty()) {
                    archive.record(fileName, stored, examined.sum(), TimeUnit.MILLISECONDS.toNanos(clock.millis()));
                    indexed++;
                    names.add(fileName);
                    LOG.warning("indexed " + stored + ", which was stored but not in the index (the receiver "
                            + "stopped between the two)");
                } else {
                    Path aside = moveAside(stored, errorsDirectory, clock);
                    movedAside++;
                    LOG.warning("moved " + stored + " to " + aside + ": it was stored but not indexed, and "
                            + problem.get() + "; barman check reports it until it is looked at and removed");
                }
            }
            compacted = archive.checksums().compact(names);
        }
        return new Reconciled(indexed, movedAside, compacted);
    }

    private static Path moveAside(Path stored, Path errorsDirectory, Clock clock) throws IOException {
        Durable.createDirectories(errorsDirectory);
        Path aside = errorsDirectory.resolve(stored.getFileName() + "." + STAMP.format(clock.instant()) + DAMAGED);
        Files.move(stored, aside);
        Durable.syncDirectory(errorsDirectory);
        Durable.syncDirectory(stored.getParent());
        return aside;
    }
}
