package io.walship.receiver.store.s3;

import io.walship.protocol.CheckItem;
import io.walship.protocol.ReplyCode;
import io.walship.protocol.WireEncoding;
import io.walship.receiver.compress.CloudCompression;
import io.walship.receiver.config.CloudServer;
import io.walship.receiver.store.DecodingIngest;
import io.walship.receiver.store.Ingest;
import io.walship.receiver.store.IngestException;
import io.walship.receiver.store.StoreEvents;
import io.walship.receiver.store.StoredZstd;
import io.walship.receiver.store.UploadTemps;
import io.walship.receiver.store.WalStore;
import io.walship.receiver.store.check.UploadSize;
import io.walship.receiver.store.check.VerifiedPlain;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Stores the WAL of the servers configured with {@code storage = s3} in their buckets, in barman-cloud's layout
 * (see {@link CloudWalKeys}), so that barman-cloud-wal-restore restores it as it restores its own.
 */
public final class S3Store implements WalStore {

    private static final Logger LOG = Logger.getLogger(S3Store.class.getName());
    /** Puts under way finish within their call timeout; stopping waits for them that long at most. */
    private static final Duration CLOSE_WAIT = S3Clients.CALL_TIMEOUT;

    private record ServerBucket(CloudServer server, Bucket bucket, BucketIdentity identity) {
    }

    private final Map<String, ServerBucket> servers = new LinkedHashMap<>();
    private final StoreEvents events;
    /**
     * Each put waits for the bucket's answer, for as long as the call timeout: one virtual thread each, so that a
     * slow bucket occupies no thread another server, a handshake or a download needs. Their number is bounded by
     * the uploads the receiver admits.
     */
    private final ExecutorService uploads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("walship-s3-put-", 0).factory());

    public S3Store(Collection<CloudServer> servers, StoreEvents events) {
        this(servers, S3Clients::of, events);
    }

    /** With the clients {@code clients} makes (tests point them at a store of their own). */
    S3Store(Collection<CloudServer> servers, Function<CloudServer, S3AsyncClient> clients, StoreEvents events) {
        this.events = events;
        for (CloudServer server : servers) {
            Bucket bucket = new Bucket(server, clients.apply(server));
            this.servers.put(server.name(), new ServerBucket(server, bucket, new BucketIdentity(bucket,
                    server.name())));
        }
    }

    /**
     * Removes what uploads that died with a receiver left in the servers' temp directories (files nothing has
     * changed for {@code idle}); one log line per directory that had any.
     */
    public void sweepUnfinishedUploads(Duration idle) throws IOException {
        for (Path dir : servers.values().stream().map(s -> s.server().tempDirectory()).distinct().toList()) {
            UploadTemps.Swept swept = SpooledUploads.sweep(dir, idle);
            if (swept.files() > 0) {
                LOG.info("removed " + swept.files() + " unfinished uploads (" + swept.bytes() + " bytes) to a bucket "
                        + "that a stopped receiver left in " + dir);
            }
        }
    }

    @Override
    public Ingest begin(String server, WalFileName name, long size, long mtimeNanos, WireEncoding encoding)
            throws IngestException {
        ServerBucket target = serverBucket(server);
        UploadSize.check(name, size);
        Ingest plain = new S3Ingest(target.server(), target.bucket(), target.identity(), uploads, events, name, size);
        return encoding == WireEncoding.ZSTD ? new DecodingIngest(plain, name, size) : plain;
    }

    /** barman-cloud's codecs have no zstd: every download from a bucket is sent plain. */
    @Override
    public Optional<StoredZstd> openZstd(String server, WalFileName name) throws IngestException {
        serverBucket(server);
        return Optional.empty();
    }

    /**
     * The plain bytes as barman-cloud-wal-restore would restore them; an object walship stored is held against the
     * plain CRC-32C and size in its metadata, so that damage at rest fails the read at its end.
     */
    @Override
    public Optional<InputStream> openPlain(String server, WalFileName name) throws IngestException {
        ServerBucket source = serverBucket(server);
        Bucket bucket = source.bucket();
        try {
            Optional<String> key = bucket.find(name);
            if (key.isEmpty()) {
                return Optional.empty();
            }
            Optional<ResponseInputStream<GetObjectResponse>> object = bucket.open(key.get());
            if (object.isEmpty()) {
                return Optional.empty();
            }
            CloudCompression codec = bucket.keys().compressionOf(name, key.get()).orElseThrow();
            try {
                return Optional.of(verified(name, bucket.url(key.get()), object.get(), codec));
            } catch (IOException | RuntimeException e) {
                object.get().abort();
                throw e;
            }
        } catch (SdkException e) {
            throw new IngestException(ReplyCode.FAILED, "cannot read " + name.name() + " from "
                    + source.server().url() + ": " + BucketCalls.reason(e), e);
        } catch (IOException e) {
            throw new IngestException(ReplyCode.FAILED, "cannot read " + name.name() + " from "
                    + source.server().url() + ": " + e.getMessage(), e);
        }
    }

    private static InputStream verified(WalFileName name, String url, ResponseInputStream<GetObjectResponse> object,
            CloudCompression codec) throws IOException {
        InputStream plain = codec.decompress(object);
        Optional<Bucket.PlainSum> recorded = Bucket.recorded(url, object.response().metadata());
        if (recorded.isEmpty()) {
            // Stored by barman-cloud: only its codec's own checksum, if any, guards it.
            return plain;
        }
        return new VerifiedPlain(plain, name.name() + " (" + url + ")", recorded.get().size(),
                recorded.get().crc32c());
    }

    /** That the bucket answers and these credentials may list the server's WAL, and whether a file is stored. */
    @Override
    public List<CheckItem> check(String server, Optional<WalFileName> stored) {
        ServerBucket target = servers.get(server);
        if (target == null) {
            return List.of(CheckItem.failed("server", IngestException.noSuchServer(server)));
        }
        List<CheckItem> items = new ArrayList<>();
        CloudServer config = target.server();
        items.add(CheckItem.ok("compression", config.compression().configName + ", read by "
                + "barman-cloud-wal-restore and walship fetch"));
        String where = config.url() + config.endpoint().map(uri -> " at " + uri).orElse("");
        try {
            target.bucket().checkListable();
            items.add(CheckItem.ok("bucket", where + " answers and may be listed"));
        } catch (SdkException e) {
            items.add(CheckItem.failed("bucket", where + ": " + BucketCalls.reason(e) + "; check the endpoint, the "
                    + "bucket, and that the receiver's credentials may list, read and write it"));
            return items;
        }
        stored.ifPresent(name -> items.add(stored(target.bucket(), server, name)));
        return items;
    }

    private static CheckItem stored(Bucket bucket, String server, WalFileName name) {
        String item = "stored " + name.name();
        try {
            return bucket.find(name).map(key -> CheckItem.ok(item, bucket.url(key))).orElseGet(() -> CheckItem
                    .failed(item, name.name() + " is not in the archive of server '" + server + "'"));
        } catch (SdkException e) {
            return CheckItem.failed(item, "cannot look for " + name.name() + ": " + BucketCalls.reason(e));
        }
    }

    private ServerBucket serverBucket(String server) throws IngestException {
        ServerBucket found = servers.get(server);
        if (found == null) {
            throw IngestException.unknownServer(server);
        }
        return found;
    }

    @Override
    public void close() {
        uploads.shutdown();
        try {
            if (!uploads.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warning("stopping with puts to a bucket still under way; their agents retry them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        servers.values().forEach(server -> server.bucket().close());
    }
}
