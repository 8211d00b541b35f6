package io.walship.receiver.store.s3;

import io.walship.protocol.ReplyCode;
import io.walship.receiver.compress.CloudCompression;
import io.walship.receiver.compress.CompressingSink;
import io.walship.receiver.config.CloudServer;
import io.walship.receiver.store.Ingest;
import io.walship.receiver.store.IngestException;
import io.walship.receiver.store.Outcome;
import io.walship.receiver.store.StoreEvents;
import io.walship.receiver.store.UploadTemps;
import io.walship.receiver.store.check.IncomingContent;
import io.walship.receiver.store.check.PlainContent;
import io.walship.receiver.store.check.ReceivedBytes;
import io.walship.wal.WalFileName;
import io.walship.wal.WalPageHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Receives one file for a bucket: compressed as it arrives into a temp file on local disk (never whole in heap),
 * checked as an upload to Barman's layout is (size, checksum, page header, cluster, text content), and only then
 * put into the bucket, on one of {@code uploads}: under its barman-cloud key, unless a key of that name exists
 * ({@code If-None-Match: *}), with the CRC-32C of the stored bytes for the store to verify and the plain bytes'
 * CRC-32C in the object's metadata. A name already stored is compared by its plain bytes: ALREADY_STORED or
 * CONFLICT, the object untouched. The temp file goes whatever happens.
 */
final class S3Ingest implements Ingest {

    private static final Logger LOG = Logger.getLogger(S3Ingest.class.getName());

    private final CloudServer server;
    private final Bucket bucket;
    private final BucketIdentity identity;
    private final Executor uploads;
    private final StoreEvents events;
    private final WalFileName name;
    private final long size;
    private final CloudCompression compression;
    private final ReceivedBytes received;
    private final IncomingContent content;
    /** Opened with the first bytes, so that an upload that sends none holds no file and no codec. */
    private Path temp;
    private FileChannel channel;
    private ChecksummedChannel stored;
    private CompressingSink sink;

    S3Ingest(CloudServer server, Bucket bucket, BucketIdentity identity, Executor uploads, StoreEvents events,
            WalFileName name, long size) {
        this.server = server;
        this.bucket = bucket;
        this.identity = identity;
        this.uploads = uploads;
        this.events = events;
        this.name = name;
        this.size = size;
        this.compression = server.compression();
        this.received = new ReceivedBytes(name, size);
        this.content = new IncomingContent(identity, name, size);
    }

    @Override
    public void write(ByteBuffer chunk) throws IngestException {
        received.add(chunk);
        content.take(chunk);
        try {
            if (channel == null) {
                temp = Files.createTempFile(server.tempDirectory(), SpooledUploads.PREFIX + server.name() + "-"
                        + name.name() + "-", SpooledUploads.SUFFIX);
                UploadTemps.live(temp);
                channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                stored = new ChecksummedChannel(channel);
                sink = compression.sink(stored, size);
            }
            sink.write(chunk);
        } catch (IOException e) {
            throw new IngestException(ReplyCode.FAILED, "cannot spool " + name.name() + " in "
                    + server.tempDirectory() + " before it goes to the bucket: " + e.getMessage(), e);
        }
    }

    @Override
    public CompletionStage<Outcome> finish(int crc32c) throws IngestException {
        boolean handedOver = false;
        try {
            received.checkComplete(crc32c);
            content.checkText();
            try {
                sink.finish();
                sink.close();
                sink = null;
                channel.close();
            } catch (IOException e) {
                throw new IngestException(ReplyCode.FAILED, "cannot spool " + name.name() + " in "
                        + server.tempDirectory() + ": " + e.getMessage(), e);
            }
            CompletableFuture<Outcome> outcome = CompletableFuture.supplyAsync(this::upload, uploads);
            handedOver = true;
            return outcome;
        } catch (RejectedExecutionException e) {
            throw new IngestException(ReplyCode.FAILED, "the receiver is stopping; retry");
        } finally {
            if (!handedOver) {
                abort();
            }
        }
    }

    /** On a store thread, since every call to the bucket waits for its answer; every failure becomes the outcome. */
    private Outcome upload() {
        try {
            return store(bucket.until(Instant.now().plus(S3Clients.CALL_TIMEOUT)));
        } catch (IngestException e) {
            return e.outcome();
        } catch (S3Exception e) {
            return new Outcome(ReplyCode.FAILED, "cannot store " + name.name() + " in " + server.url() + ": "
                    + BucketCalls.reason(e) + "; nothing new is in the bucket, retry");
        } catch (SdkException e) {
            // No answer: a put whose bytes all went may have been kept, which the retry's listing finds.
            return new Outcome(ReplyCode.FAILED, "cannot store " + name.name() + " in " + server.url() + ": "
                    + BucketCalls.reason(e) + "; retry");
        } catch (IOException | RuntimeException e) {
            return new Outcome(ReplyCode.FAILED, "cannot store " + name.name() + " in " + server.url() + ": "
                    + e.getMessage() + "; retry");
        } finally {
            deleteTemp();
        }
    }

    /** Every call through {@code calls}, which bounds them all by one deadline. */
    private Outcome store(Bucket calls) throws IngestException, IOException {
        Optional<WalPageHeader> header = content.header();
        if (header.isPresent()) {
            // The pin as the bucket has it now: another receiver may have pinned since this upload began.
            identity.load(calls);
            identity.checkCluster(name.name(), header.get());
        }
        // Stores without conditional writes find an existing name here, with a race no listing can close; with
        // If-None-Match the put below cannot overwrite either way.
        Optional<String> existing = calls.find(name);
        if (existing.isPresent()) {
            return compare(calls, existing.get());
        }
        String key = calls.keys().keyOf(name, compression);
        Map<String, String> metadata = Map.of(Bucket.PLAIN_CRC32C, HexFormat.of().toHexDigits(received.crc32c()),
                Bucket.PLAIN_SIZE, Long.toString(received.count()));
        if (!calls.putIfAbsent(key, temp, stored.count(), stored.crc32c(), stored.contentMd5(), metadata)) {
            return compare(calls, key);
        }
        events.stored(server.name(), stored.count());
        header.ifPresent(pinned -> identity.pin(pinned, calls));
        return new Outcome(ReplyCode.STORED, name.name() + " stored as " + calls.url(key));
    }

    /** The name is stored: identical plain bytes are ALREADY_STORED, any difference a CONFLICT. */
    private Outcome compare(Bucket calls, String key) throws IOException {
        Optional<? extends InputStream> object = calls.open(key);
        if (object.isEmpty()) {
            return new Outcome(ReplyCode.FAILED, calls.url(key) + " was removed while this upload of " + name.name()
                    + " was compared with it; retry");
        }
        CloudCompression storedWith = calls.keys().compressionOf(name, key).orElseThrow();
        boolean same;
        try (InputStream theirs = storedWith.decompress(object.get());
                InputStream ours = compression.decompress(Files.newInputStream(temp))) {
            same = PlainContent.same(theirs, ours);
        } catch (IOException e) {
            return new Outcome(ReplyCode.FAILED, "the archived copy of " + name.name() + " (" + calls.url(key)
                    + ") cannot be read to compare it with this upload (" + e.getMessage() + "); check it, and "
                    + "move it aside if it is damaged");
        }
        if (same) {
            return new Outcome(ReplyCode.ALREADY_STORED, name.name() + " was already archived with identical content");
        }
        return new Outcome(ReplyCode.CONFLICT, name.name() + " is already archived for server '" + server.name()
                + "' with different content (" + calls.url(key) + "); the archived file was left untouched. Check "
                + "that only one cluster archives to this server");
    }

    @Override
    public void abort() {
        if (sink != null) {
            sink.close();
            sink = null;
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warning("cannot close " + temp + ": " + e.getMessage());
            }
        }
        deleteTemp();
    }

    private void deleteTemp() {
        if (temp == null) {
            return;
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.warning("cannot remove " + temp + ": " + e.getMessage());
        }
        UploadTemps.done(temp);
    }
}
