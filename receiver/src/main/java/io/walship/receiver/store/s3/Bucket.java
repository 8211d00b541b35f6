package io.walship.receiver.store.s3;

import io.walship.receiver.compress.CloudCompression;
import io.walship.receiver.config.CloudServer;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One server's WAL in its bucket: the calls the store makes, each waiting for its answer on the caller's thread
 * (a store thread, or the ingest thread of a download or a check, never an event loop). Failures are the SDK's
 * exceptions, after the SDK's own retries of what a store answers with 5xx or SlowDown.
 */
final class Bucket implements AutoCloseable {

    /** User metadata of every object walship stores: the plain file's CRC-32C (8 hex digits) and size. */
    static final String PLAIN_CRC32C = "walship-plain-crc32c";
    static final String PLAIN_SIZE = "walship-plain-size";

    private final CloudServer server;
    private final S3AsyncClient client;
    private final CloudWalKeys keys;
    /** When every call must have ended, retries included; null: each call has the client's call timeout. */
    private final Instant deadline;

    Bucket(CloudServer server, S3AsyncClient client) {
        this(server, client, null);
    }

    private Bucket(CloudServer server, S3AsyncClient client, Instant deadline) {
        this.server = server;
        this.client = client;
        this.keys = new CloudWalKeys(server.prefix(), server.name());
        this.deadline = deadline;
    }

    /**
     * The same bucket, each call given only the time left until {@code deadline}: the calls of one upload (the pin,
     * the listing, the put, a comparison) end by then together, so that the SDK retries none past it.
     */
    Bucket until(Instant deadline) {
        return new Bucket(server, client, deadline);
    }

    CloudWalKeys keys() {
        return keys;
    }

    String url(String key) {
        return "s3://" + server.bucket() + "/" + key;
    }

    /**
     * The key {@code name} is stored under, whatever codec stored it: the one barman-cloud-wal-restore would pick
     * (the first compressed key in the listing's order, else the plain one), so that fetch serves what it would.
     */
    Optional<String> find(WalFileName name) {
        Set<String> candidates = Set.copyOf(keys.candidates(name));
        List<String> found = BucketCalls.await(client.listObjectsV2(list -> list.bucket(server.bucket())
                .prefix(keys.directoryOf(name) + name.name()).overrideConfiguration(this::timeLeft))).contents()
                .stream().map(S3Object::key).filter(candidates::contains).sorted().toList();
        String plain = keys.keyOf(name, CloudCompression.NONE);
        return found.stream().filter(key -> !key.equals(plain)).findFirst().or(() -> found.stream().findFirst());
    }

    /** Every object under the server's {@code wals/}, from all pages of the listing, in the listing's order. */
    List<S3Object> walObjects() {
        List<S3Object> found = Collections.synchronizedList(new ArrayList<>());
        BucketCalls.await(client.listObjectsV2Paginator(list -> list.bucket(server.bucket())
                .prefix(walsPrefix()).overrideConfiguration(this::timeLeft)).contents().subscribe(found::add));
        return List.copyOf(found);
    }

    /** {@code <prefix>/<server>/wals/}, where the server's WAL is. */
    String walsPrefix() {
        return keys.serverPrefix() + "wals/";
    }

    /**
     * The plain size and CRC-32C walship recorded in an object's {@code metadata} when it stored it; empty for an
     * object barman-cloud stored, which has none.
     *
     * @throws IOException when the metadata is there but not as walship writes it
     */
    static Optional<PlainSum> recorded(String url, Map<String, String> metadata) throws IOException {
        String crc = metadata.get(PLAIN_CRC32C);
        String size = metadata.get(PLAIN_SIZE);
        if (crc == null || size == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new PlainSum(Long.parseLong(size), HexFormat.fromHexDigits(crc)));
        } catch (IllegalArgumentException e) {
            throw new IOException(url + " has damaged walship metadata (" + PLAIN_CRC32C + " = " + crc + ", "
                    + PLAIN_SIZE + " = " + size + ")");
        }
    }

    /** What an object held when walship stored it. */
    record PlainSum(long size, int crc32c) {
    }

    /** The object's bytes as stored, streamed as they are read; empty when there is no such key. */
    Optional<ResponseInputStream<GetObjectResponse>> open(String key) {
        try {
            return Optional.of(BucketCalls.await(client.getObject(get -> get.bucket(server.bucket()).key(key)
                    .overrideConfiguration(this::timeLeft),
                    AsyncResponseTransformer.toBlockingInputStream())));
        } catch (SdkException e) {
            if (BucketCalls.hasStatus(e, BucketCalls.NOT_FOUND)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Stores {@code file} under {@code key} unless the key exists ({@code If-None-Match: *}), with the CRC-32C and
     * the MD5 ({@code Content-MD5}) of its bytes for the store to verify before it keeps them; false when the key
     * exists.
     */
    boolean putIfAbsent(String key, Path file, long length, int crc32c, String contentMd5,
            Map<String, String> metadata) {
        try {
            PutObjectResponse stored = BucketCalls.await(client.putObject(put -> put.bucket(server.bucket())
                    .key(key).ifNoneMatch("*").contentLength(length).checksumCRC32C(base64(crc32c))
                    .contentMD5(contentMd5).metadata(metadata).overrideConfiguration(this::timeLeft),
                    AsyncRequestBody.fromFile(file)));
            if (stored.checksumCRC32C() != null && !stored.checksumCRC32C().equals(base64(crc32c))) {
                throw SdkClientException.create(url(key) + " was stored with CRC-32C " + stored.checksumCRC32C()
                        + ", not the " + base64(crc32c) + " sent");
            }
            return true;
        } catch (SdkException e) {
            if (BucketCalls.hasStatus(e, BucketCalls.PRECONDITION_FAILED)) {
                return false;
            }
            throw e;
        }
    }

    /** A small object, stored unless its key exists; false when it does. */
    boolean putIfAbsent(String key, byte[] content) {
        try {
            String contentMd5 = Base64.getEncoder().encodeToString(md5().digest(content));
            BucketCalls.await(client.putObject(put -> put.bucket(server.bucket()).key(key).ifNoneMatch("*")
                    .contentMD5(contentMd5).overrideConfiguration(this::timeLeft),
                    AsyncRequestBody.fromBytes(content)));
            return true;
        } catch (SdkException e) {
            if (BucketCalls.hasStatus(e, BucketCalls.PRECONDITION_FAILED)) {
                return false;
            }
            throw e;
        }
    }

    /** Whether the bucket answers and the credentials may list the server's WAL, which restore needs. */
    void checkListable() {
        BucketCalls.await(client.listObjectsV2(list -> list.bucket(server.bucket()).prefix(walsPrefix()).maxKeys(1)
                .overrideConfiguration(this::timeLeft)));
    }

    private void timeLeft(AwsRequestOverrideConfiguration.Builder call) {
        if (deadline == null) {
            return;
        }
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            throw SdkClientException.create("no time left of the " + S3Clients.CALL_TIMEOUT.toSeconds()
                    + " s the bucket's calls of one upload may take");
        }
        call.apiCallTimeout(left);
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5, which Content-MD5 needs", e);
        }
    }

    /** The CRC-32C as S3's {@code x-amz-checksum-crc32c} carries it: four bytes, big-endian, in base64. */
    static String base64(int crc32c) {
        return Base64.getEncoder().encodeToString(new byte[] {(byte) (crc32c >>> 24), (byte) (crc32c >>> 16),
                (byte) (crc32c >>> 8), (byte) crc32c});
    }

    @Override
    public void close() {
        client.close();
    }
}
