package io.walship.receiver.store.check;

import io.walship.receiver.store.IngestException;
import io.walship.receiver.store.Rejection;
import io.walship.wal.WalFileName;
import io.walship.wal.WalHeaderCheck;
import io.walship.wal.WalPageHeader;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The part of an upload its checks read, kept as the bytes arrive: a segment's first page header, checked (name,
 * size, cluster) as soon as it is complete, or the whole of a text file, checked at its end.
 */
public final class IncomingContent {

    private final ClusterGuard cluster;
    private final WalFileName name;
    private final long size;
    private byte[] kept;
    private int filled;
    private WalPageHeader header;

    public IncomingContent(ClusterGuard cluster, WalFileName name, long size) {
        this.cluster = cluster;
        this.name = name;
        this.size = size;
    }

    /** Keeps what the checks need of {@code chunk}, leaving its position alone; refuses a bad page header. */
    public void take(ByteBuffer chunk) throws IngestException {
        if (kept == null) {
            // Allocated with the first bytes; a text file's size was bounded when the upload began.
            kept = new byte[name.kind().hasWalHeader() ? WalPageHeader.SIZE : (int) size];
        }
        if (filled == kept.length) {
            return;
        }
        int take = Math.min(kept.length - filled, chunk.remaining());
        chunk.duplicate().get(kept, filled, take);
        filled += take;
        if (filled == kept.length && name.kind().hasWalHeader()) {
            WalPageHeader parsed = WalPageHeader.parse(kept);
            Optional<String> problem = WalHeaderCheck.problem(name, size, parsed);
            if (problem.isPresent()) {
                throw IngestException.rejected(Rejection.BAD_CONTENT, problem.get());
            }
            cluster.checkCluster(name.name(), parsed);
            header = parsed;
        }
    }

    /** Whether what the checks read has all arrived (and, for a segment, passed). */
    public boolean complete() {
        return kept != null && filled == kept.length;
    }

    /** A segment's page header, once it arrived and passed its checks. */
    public Optional<WalPageHeader> header() {
        return Optional.ofNullable(header);
    }

    /** At the end of the upload: a text file must read as what its name says. */
    public void checkText() throws IngestException {
        if (!name.kind().hasWalHeader() && complete()) {
            Optional<String> problem = TextContent.problem(name, kept);
            if (problem.isPresent()) {
                throw IngestException.rejected(Rejection.BAD_CONTENT, problem.get());
            }
        }
    }
}
