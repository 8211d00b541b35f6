package io.walship.receiver.store.barman;

import io.walship.protocol.CheckItem;
import io.walship.receiver.config.BarmanServer;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the receiver can tell about one server's archive without storing anything: that it can write where an
 * upload writes, that Barman's lock can be taken, how much room is left and, when asked, whether a file is stored.
 * Each probe touches only a file of its own, removed at once.
 */
final class ArchiveCheck {

    static final String DIRECTORIES = "archive directories";
    static final String LOCK = "Barman lock";
    static final String SPACE = "free space";
    /** Below this an upload of a 16 MiB segment, its index line and a checksum line may no longer fit for long. */
    static final long FAILED_BELOW = 1L << 30;
    static final int WARNING_BELOW_PERCENT = 10;

    private final BarmanServer server;
    private final HashDirLayout layout;
    private final SpaceProbe space;

    ArchiveCheck(BarmanServer server, HashDirLayout layout) {
        this(server, layout, ArchiveCheck::fileStoreSpace);
    }

    /** For tests: {@code space} tells the free and total bytes instead of the file system. */
    ArchiveCheck(BarmanServer server, HashDirLayout layout, SpaceProbe space) {
        this.server = server;
        this.layout = layout;
        this.space = space;
    }

    /** The bytes usable by the receiver and the size of the file system that holds a directory. */
    record Space(long free, long total) {
    }

    interface SpaceProbe {
        Space of(Path dir) throws IOException;
    }

    private static Space fileStoreSpace(Path dir) throws IOException {
        FileStore store = Files.getFileStore(dir);
        return new Space(store.getUsableSpace(), store.getTotalSpace());
    }

    List<CheckItem> run(Optional<WalFileName> stored) {
        List<CheckItem> items = new ArrayList<>();
        items.add(directories());
        items.add(lock());
        items.add(space());
        stored.ifPresent(name -> items.add(stored(name)));
        return items;
    }

    /** Every directory and file an upload writes into, as the receiver's start checks them. */
    private CheckItem directories() {
        return WritableDirectories.problem(server).map(problem -> CheckItem.failed(DIRECTORIES, problem))
                .orElseGet(() -> CheckItem.ok(DIRECTORIES, "writable under "
                        + server.directories().backupDirectory()));
    }

    /** Taken and given back at once; held by someone else is fine, uploads wait for it. */
    private CheckItem lock() {
        Path file = server.lockFile();
        if (!Files.exists(file.getParent())) {
            return CheckItem.ok(LOCK, file.getParent() + " does not exist yet; the first upload creates it");
        }
        try (Flock ignored = Flock.acquire(file, Duration.ZERO, () -> { })) {
            return CheckItem.ok(LOCK, file + " can be taken");
        } catch (Flock.Timeout e) {
            return CheckItem.ok(LOCK, file + " is held right now by " + LockHolder.of(file).orElse("another process")
                    + "; uploads wait for it");
        } catch (IOException e) {
            return CheckItem.failed(LOCK, "cannot lock " + file + ": " + WritableDirectories.reason(e) + "; check "
                    + "that Barman's lock directory is on a local file system writable by the receiver");
        }
    }

    private CheckItem space() {
        Path dir = WritableDirectories.nearestExisting(server.directories().walsDirectory());
        try {
            Space room = space.of(dir);
            long free = room.free();
            long total = room.total();
            String seen = gib(free) + " free of " + gib(total) + " under " + dir;
            if (free < FAILED_BELOW) {
                return CheckItem.failed(SPACE, seen + "; uploads fail once it is full: free space or expire old "
                        + "backups (barman delete, retention_policy)");
            }
            if (total > 0 && free * 100 / total < WARNING_BELOW_PERCENT) {
                return CheckItem.warning(SPACE, seen + ", under " + WARNING_BELOW_PERCENT + "%; free space soon");
            }
            return CheckItem.ok(SPACE, seen);
        } catch (IOException e) {
            return CheckItem.failed(SPACE, "cannot read the free space of " + dir + ": "
                    + WritableDirectories.reason(e));
        }
    }

    private CheckItem stored(WalFileName name) {
        String item = "stored " + name.name();
        Path file = layout.pathOf(name);
        try {
            long size = Files.size(file);
            Instant when = Files.getLastModifiedTime(file).toInstant();
            return CheckItem.ok(item, size + " bytes, " + when);
        } catch (IOException e) {
            return CheckItem.failed(item, name.name() + " is not in the archive of server '" + server.name() + "'");
        }
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
