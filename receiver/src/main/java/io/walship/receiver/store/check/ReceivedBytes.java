package io.walship.receiver.store.check;

import io.walship.receiver.store.IngestException;
import io.walship.receiver.store.Rejection;
import io.walship.wal.WalFileName;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** What an upload has received, held against the size the agent announced and the checksum it ends with. */
public final class ReceivedBytes {

    private final WalFileName name;
    private final long size;
    private final CRC32C crc = new CRC32C();
    private long count;

    public ReceivedBytes(WalFileName name, long size) {
        this.name = name;
        this.size = size;
    }

    /** Counts {@code chunk} (leaving its position alone), refusing bytes beyond the announced size. */
    public void add(ByteBuffer chunk) throws IngestException {
        if (count + chunk.remaining() > size) {
            throw IngestException.rejected(Rejection.SIZE_MISMATCH, name.name() + ": the agent sent more than the "
                    + size + " bytes it announced");
        }
        crc.update(chunk.duplicate());
        count += chunk.remaining();
    }

    /** The CRC-32C of the bytes received so far. */
    public int crc32c() {
        return (int) crc.getValue();
    }

    public long count() {
        return count;
    }

    /** All announced bytes arrived, and they are those the agent sent. */
    public void checkComplete(int crc32c) throws IngestException {
        if (count != size) {
            throw IngestException.rejected(Rejection.SIZE_MISMATCH, name.name() + ": received " + count + " of " + size
                    + " bytes; the file changed or the transfer broke, retry");
        }
        if ((int) crc.getValue() != crc32c) {
            throw IngestException.rejected(Rejection.CHECKSUM_MISMATCH, name.name() + ": checksum mismatch, the data "
                    + "was damaged in transit; retry");
        }
    }
}
