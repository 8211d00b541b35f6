package io.walship.receiver.store.check;

import io.walship.wal.BackupHistoryFile;
import io.walship.wal.TimelineHistory;
import io.walship.wal.WalFileName;
import java.util.Optional;

/** The content checks of the WAL files that are text: a timeline history must read as one, a backup label too. */
public final class TextContent {

    private TextContent() {
    }

    /** The largest file of this kind accepted: far above what PostgreSQL writes, far below a segment. */
    public static long maxSize(WalFileName.Kind kind) {
        return switch (kind) {
            case HISTORY -> TimelineHistory.MAX_SIZE;
            case BACKUP -> BackupHistoryFile.MAX_SIZE;
            default -> throw new IllegalArgumentException(kind + " files are not text");
        };
    }

    /** What is wrong with {@code content} as the file {@code name}, or empty. */
    public static Optional<String> problem(WalFileName name, byte[] content) {
        return switch (name.kind()) {
            case HISTORY -> TimelineHistory.problem(name, content);
            case BACKUP -> BackupHistoryFile.problem(name, content);
            default -> throw new IllegalArgumentException(name.name() + " is not a text file");
        };
    }
}
