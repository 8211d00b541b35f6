package io.walship.receiver.store.check;

import io.walship.receiver.store.IngestException;
import io.walship.receiver.store.Rejection;
import io.walship.wal.WalFileName;
import io.walship.wal.WalHeaderCheck;
import java.util.Locale;

/** The sizes a file of each kind can have, checked when an upload begins, before any byte is accepted. */
public final class UploadSize {

    private UploadSize() {
    }

    public static void check(WalFileName name, long size) throws IngestException {
        if (name.kind().hasWalHeader()) {
            if (!WalHeaderCheck.isValidSegmentSize(size)) {
                throw IngestException.rejected(Rejection.BAD_SIZE, name.name() + " is " + size + " bytes; a WAL "
                        + "segment is a power of two between 1 MiB and 1 GiB, so the file is truncated or not a "
                        + "segment");
            }
        } else if (size == 0 || size > TextContent.maxSize(name.kind())) {
            throw IngestException.rejected(Rejection.BAD_SIZE, name.name() + " is " + size + " bytes; a "
                    + name.kind().name().toLowerCase(Locale.ROOT) + " file must be between 1 byte and "
                    + TextContent.maxSize(name.kind()) + ", so it is not one");
        }
    }
}
