package io.walship.receiver.store.s3;

import io.walship.receiver.store.IngestException;
import io.walship.receiver.store.barman.Identity;
import io.walship.receiver.store.check.ClusterGuard;
import io.walship.wal.WalPageHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The cluster a bucket server's WAL belongs to, pinned by its first stored segment in an object of its own (JSON as
 * Barman's identity.json, written with {@code If-None-Match: *}, so the first receiver to pin wins). As the pin of
 * a Barman server: once pinned, only segments of that system, segment size and WAL magic are accepted.
 */
final class BucketIdentity implements ClusterGuard {

    private static final Logger LOG = Logger.getLogger(BucketIdentity.class.getName());

    private final Bucket bucket;
    private final String server;
    private volatile Identity known;

    BucketIdentity(Bucket bucket, String server) {
        this.bucket = bucket;
        this.server = server;
    }

    /**
     * Against the pin as last read, without a call to the bucket: cheap enough for the thread that receives; the
     * upload checks again after {@link #load}, before anything is stored.
     */
    @Override
    public void checkCluster(String fileName, WalPageHeader header) throws IngestException {
        Identity pinned = known;
        if (pinned != null) {
            pinned.check(fileName, header, server, where(), "server");
        }
    }

    /** Reads the pin from the bucket through {@code calls} unless it is known; on a store thread. */
    void load(Bucket calls) throws IOException {
        if (known != null) {
            return;
        }
        Optional<? extends InputStream> stored = calls.open(key());
        if (stored.isEmpty()) {
            return;
        }
        try (InputStream in = stored.get()) {
            known = Identity.parse(Path.of(where()), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** The pin as last read or written. */
    Optional<Identity> pinned() {
        return Optional.ofNullable(known);
    }

    /**
     * Pins the cluster of a segment just stored, unless pinned; a pin that cannot be written is logged and tried
     * again with the next segment, as for a Barman server. Through {@code calls}, as {@link #load}.
     */
    void pin(WalPageHeader header, Bucket calls) {
        if (known != null) {
            return;
        }
        Identity pinned = Identity.of(header);
        try {
            if (calls.putIfAbsent(key(), pinned.toJson().getBytes(StandardCharsets.UTF_8))) {
                known = pinned;
                LOG.info("server '" + server + "' archives PostgreSQL system " + pinned.systemId() + " (segments of "
                        + header.segmentSize() + " bytes), pinned in " + where());
            } else {
                load(calls);
            }
        } catch (SdkException | IOException e) {
            LOG.warning("cannot pin server '" + server + "' to PostgreSQL system " + header.systemIdString()
                    + " in " + where() + " (" + (e instanceof SdkException sdk ? BucketCalls.reason(sdk)
                    : e.getMessage()) + "); trying again with the next segment");
        }
    }

    private String key() {
        return bucket.keys().identityKey();
    }

    private String where() {
        return bucket.url(key());
    }
}
