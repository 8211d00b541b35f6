package io.walship.receiver.store.s3;

import io.walship.receiver.compress.CloudCompression;
import io.walship.receiver.config.CloudServer;
import io.walship.receiver.store.barman.Identity;
import io.walship.receiver.store.check.StoredContent;
import io.walship.receiver.store.verify.Findings;
import io.walship.receiver.store.verify.Findings.Report;
import io.walship.receiver.store.verify.SegmentRuns;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * walship verify of a server stored in a bucket: every object under its {@code wals/} (all pages of the listing)
 * is read once, must be a WAL file where barman-cloud-wal-restore looks for it, decode by its key's suffix, pass
 * the checks an upload passes and match the plain size and CRC-32C in its metadata (objects barman-cloud stored
 * carry none); and each timeline's segments must follow one another without a gap. A bucket has no index, so
 * nothing is unindexed or missing beside the gaps.
 */
public final class BucketVerification {

    private final String server;
    private final Bucket bucket;
    private final Findings findings = new Findings();

    private BucketVerification(String server, Bucket bucket) {
        this.server = server;
        this.bucket = bucket;
    }

    /** Reads the whole archive of {@code server} with a client of its own; fails when the bucket cannot be read. */
    public static Report verify(CloudServer server) throws IOException {
        try (Bucket bucket = new Bucket(server, S3Clients.of(server))) {
            return verify(server.name(), bucket);
        }
    }

    static Report verify(String server, Bucket bucket) throws IOException {
        try {
            return new BucketVerification(server, bucket).run();
        } catch (SdkException e) {
            throw new IOException("cannot read " + bucket.url(bucket.walsPrefix()) + ": "
                    + BucketCalls.reason(e) + "; check the endpoint, the bucket and that the receiver's credentials "
                    + "may list and read it", e);
        }
    }

    private Report run() throws IOException {
        List<String> keys = bucket.walObjects().stream().map(S3Object::key).toList();
        SegmentRuns segments = new SegmentRuns(pinnedSegmentSize());
        int withChecksum = 0;
        for (String key : keys) {
            String url = bucket.url(key);
            Optional<WalFileName> name = bucket.keys().nameOf(key);
            if (name.isEmpty()) {
                findings.critical(url + " is not a WAL file where barman-cloud-wal-restore looks for one: recovery "
                        + "cannot find it");
                continue;
            }
            Optional<ResponseInputStream<GetObjectResponse>> object = bucket.open(key);
            if (object.isEmpty()) {
                // Removed since the listing, by retention (barman-cloud-backup-delete).
                continue;
            }
            CloudCompression codec = bucket.keys().compressionOf(name.get(), key).orElseThrow();
            StoredContent content = StoredContent.read(name.get(), () -> decompressed(object.get(), codec));
            content.problem().ifPresent(problem -> findings.critical("DAMAGED " + url + ": " + problem));
            try {
                Optional<Bucket.PlainSum> recorded = Bucket.recorded(url, object.get().response().metadata());
                if (recorded.isPresent()) {
                    withChecksum++;
                    Bucket.PlainSum held = new Bucket.PlainSum(content.size(), content.crc32c());
                    if (content.problem().isEmpty() && !recorded.get().equals(held)) {
                        findings.critical("DAMAGED " + url + ": holds " + describe(held) + ", stored was "
                                + describe(recorded.get()));
                    }
                }
            } catch (IOException e) {
                findings.critical("DAMAGED " + e.getMessage());
            }
            if (name.get().kind() == WalFileName.Kind.SEGMENT) {
                segments.add(name.get(), content.problem().isEmpty() ? OptionalLong.of(content.size())
                        : OptionalLong.empty());
            }
        }
        segments.reportGaps(findings);
        return findings.report(server, keys.size(), withChecksum);
    }

    /** A stream that cannot be decoded from its start is let go of, so that its connection is not held. */
    private static InputStream decompressed(ResponseInputStream<GetObjectResponse> object, CloudCompression codec)
            throws IOException {
        try {
            return codec.decompress(object);
        } catch (IOException | RuntimeException e) {
            object.abort();
            throw e;
        }
    }

    private OptionalLong pinnedSegmentSize() throws IOException {
        BucketIdentity identity = new BucketIdentity(bucket, server);
        identity.load(bucket);
        return identity.pinned().map(Identity::segmentSize).orElse(OptionalLong.empty());
    }

    private static String describe(Bucket.PlainSum sum) {
        return String.format("%d plain bytes with CRC-32C %08x", sum.size(), sum.crc32c());
    }
}
