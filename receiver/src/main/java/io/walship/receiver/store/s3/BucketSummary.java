package io.walship.receiver.store.s3;

import io.walship.receiver.config.CloudServer;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * What a bucket server's archive says at a glance, from one listing of its {@code wals/} (all pages): its newest WAL
 * file in name order, as xlog.db's last line is for a Barman server, with the time the bucket stored it, and how
 * many WAL objects, and stored bytes, the bucket stored since a given instant.
 *
 * @param where the listed prefix, as a URL
 * @param newestName empty when the bucket holds no WAL of the server
 */
public record BucketSummary(String where, Optional<String> newestName, Optional<Instant> newestTime,
        long filesSince, long storedBytesSince) {

    /** With a client of its own; fails when the bucket cannot be listed. */
    public static BucketSummary read(CloudServer server, Instant since) throws IOException {
        try (Bucket bucket = new Bucket(server, S3Clients.of(server))) {
            return of(bucket, since);
        }
    }

    static BucketSummary of(Bucket bucket, Instant since) throws IOException {
        S3Object newest = null;
        String newestName = null;
        long files = 0;
        long bytes = 0;
        try {
            for (S3Object object : bucket.walObjects()) {
                Optional<WalFileName> name = bucket.keys().nameOf(object.key());
                if (name.isEmpty()) {
                    continue;
                }
                if (newestName == null || name.get().name().compareTo(newestName) > 0) {
                    newest = object;
                    newestName = name.get().name();
                }
                if (!object.lastModified().isBefore(since)) {
                    files++;
                    bytes += object.size();
                }
            }
        } catch (SdkException e) {
            throw new IOException("cannot list " + bucket.url(bucket.walsPrefix()) + ": " + BucketCalls.reason(e), e);
        }
        return new BucketSummary(bucket.url(bucket.walsPrefix()), Optional.ofNullable(newestName),
                Optional.ofNullable(newest).map(S3Object::lastModified), files, bytes);
    }
}
