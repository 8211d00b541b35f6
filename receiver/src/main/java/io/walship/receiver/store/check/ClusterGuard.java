package io.walship.receiver.store.check;

import io.walship.receiver.store.IngestException;
import io.walship.wal.WalPageHeader;

/** Refuses a segment of another cluster, segment size or WAL format than the one an archive belongs to. */
public interface ClusterGuard {

    void checkCluster(String fileName, WalPageHeader header) throws IngestException;
}
