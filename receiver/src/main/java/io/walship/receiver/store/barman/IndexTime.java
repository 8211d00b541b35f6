package io.walship.receiver.store.barman;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

/** The time a stored file that the index does not list yet is indexed with. */
final class IndexTime {

    private IndexTime() {
    }

    /**
     * The file's own, as barman rebuild-xlogdb would take it; where that time makes no index line (stored by a
     * walship that let such times through), {@code fallbackNanos}, given to the file too (durably) so that the
     * two agree.
     */
    static long of(Path stored, long fallbackNanos) throws IOException {
        long storedTime = Files.getLastModifiedTime(stored).to(TimeUnit.NANOSECONDS);
        if (XlogDbLine.isIndexable(storedTime)) {
            return storedTime;
        }
        Files.setLastModifiedTime(stored, FileTime.from(fallbackNanos, TimeUnit.NANOSECONDS));
        try (FileChannel file = FileChannel.open(stored, StandardOpenOption.READ)) {
            file.force(true);
        }
        return fallbackNanos;
    }
}
