package io.walship.receiver.store;

import io.walship.protocol.CheckItem;
import io.walship.protocol.WireEncoding;
import io.walship.wal.WalFileName;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** Where received WAL files go. One narrow door so the network side knows nothing of the layout. */
public interface WalStore extends AutoCloseable {

    /**
     * Starts receiving {@code name}, {@code size} plain bytes sent in {@code encoding}; refused requests throw
     * before any byte is accepted.
     */
    Ingest begin(String server, WalFileName name, long size, long mtimeNanos, WireEncoding encoding)
            throws IngestException;

    /** A plain upload. */
    default Ingest begin(String server, WalFileName name, long size, long mtimeNanos) throws IngestException {
        return begin(server, name, size, mtimeNanos, WireEncoding.PLAIN);
    }

    /** The plain bytes of a stored file, decompressed as they are read; empty when it is not stored. */
    Optional<InputStream> openPlain(String server, WalFileName name) throws IngestException;

    /**
     * The stored bytes of a file kept as one zstd frame whose plain size and checksum were recorded when it was
     * stored, to be sent as they are; empty when it is kept otherwise (then {@link #openPlain}) or not stored.
     */
    Optional<StoredZstd> openZstd(String server, WalFileName name) throws IngestException;

    /**
     * What the store can tell of {@code server}'s archive without changing it (room, permissions, locks) and, given
     * a name, whether that file is stored; one item per thing looked at.
     */
    List<CheckItem> check(String server, Optional<WalFileName> stored);

    /** Lets the stores and indexings under way finish (up to a bound), then takes no more. */
    @Override
    void close();
}
