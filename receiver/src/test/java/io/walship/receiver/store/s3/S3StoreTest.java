package io.walship.receiver.store.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.protocol.CheckItem;
import io.walship.protocol.ReplyCode;
import io.walship.receiver.compress.CloudCompression;
import io.walship.receiver.config.CloudServer;
import io.walship.receiver.it.S3ProxyServer;
import io.walship.receiver.store.Ingest;
import io.walship.receiver.store.IngestException;
import io.walship.receiver.store.Outcome;
import io.walship.receiver.store.Rejection;
import io.walship.receiver.store.StoreEvents;
import io.walship.receiver.store.WalStore;
import io.walship.receiver.store.verify.Findings;
import io.walship.wal.WalFileName;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The bucket store against a real S3 implementation (S3Proxy, see S3ProxyFactsTest for what it honours). */
class S3StoreTest {

    private static final int MIB = 1 << 20;
    private static final long SYSTEM_ID = 7301234567890123456L;
    private static final String SEGMENT = "000000010000000000000001";
    private static final String KEY_DIR = "pfx/pg/wals/0000000100000000/";
    private static final int[] CHUNKS = {10, 29, 1000, 64 * 1024, 7};
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    @TempDir
    static Path proxyDir;
    private static S3ProxyServer proxy;
    private static S3Client s3;

    @TempDir
    Path dir;
    private Path spool;
    private Path credentials;
    private String bucket;
    private final List<WalStore> stores = new ArrayList<>();

    @BeforeAll
    static void startProxy() throws Exception {
        proxy = S3ProxyServer.start(proxyDir);
        s3 = proxy.client();
    }

    @AfterAll
    static void stopProxy() throws Exception {
        s3.close();
        proxy.close();
    }

    @BeforeEach
    void bucketAndFiles() throws IOException {
        bucket = "walship-" + BUCKETS.incrementAndGet();
        s3.createBucket(b -> b.bucket(bucket));
        spool = Files.createDirectory(dir.resolve("spool"));
        credentials = proxy.account().writeCredentials(dir.resolve("credentials"), "default");
    }

    @AfterEach
    void closeStoresAndCheckTheSpoolIsEmpty() throws IOException {
        stores.forEach(WalStore::close);
        try (Stream<Path> left = Files.list(spool)) {
            assertEquals(List.of(), left.toList(), "every temp file is removed");
        }
    }

    // ---- fixtures ----

    private S3Store store(CloudCompression compression) {
        return store(compression, proxy.endpoint());
    }

    private S3Store store(CloudCompression compression, URI endpoint) {
        S3Store store = new S3Store(List.of(server(compression, endpoint)), StoreEvents.NONE);
        stores.add(store);
        return store;
    }

    /** A store whose client is the real one changed by {@code scripted}. */
    private S3Store store(CloudCompression compression, UnaryOperator<S3AsyncClient> scripted) {
        S3Store store = new S3Store(List.of(server(compression, proxy.endpoint())),
                server -> scripted.apply(S3Clients.of(server)), StoreEvents.NONE);
        stores.add(store);
        return store;
    }

    private CloudServer server(CloudCompression compression, URI endpoint) {
        return new CloudServer("pg", Set.of("pg1"), Optional.of(endpoint), bucket, "pfx", S3ProxyServer.REGION, true,
                Optional.of(new CloudServer.Credentials(credentials, "default")), compression, spool);
    }

    /** Where nothing listens: a port that was free a moment ago. */
    private static URI closedEndpoint() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }

    /** A valid 1 MiB segment: a long page header matching the name, a few pages of records, zeroes after. */
    private static byte[] segment(String fileName, long systemId, long seed) {
        WalFileName name = WalFileName.parse(fileName);
        byte[] bytes = new byte[MIB];
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) 0xD110);
        b.putShort(2, (short) 0x0002);
        b.putInt(4, (int) name.timeline());
        b.putLong(8, name.startLsn(MIB));
        b.putLong(24, systemId);
        b.putInt(32, MIB);
        b.putInt(36, 8192);
        byte[] records = new byte[3 * 8192 - 40];
        new Random(seed).nextBytes(records);
        System.arraycopy(records, 0, bytes, 40, records.length);
        return bytes;
    }

    private static int crc(byte[] content) {
        CRC32C crc = new CRC32C();
        crc.update(content);
        return (int) crc.getValue();
    }

    private static Outcome push(WalStore store, String fileName, byte[] content) throws IngestException {
        return push(store, fileName, content, crc(content));
    }

    /** What an agent does: begin, send the bytes in chunks, finish with the checksum; abort on failure. */
    private static Outcome push(WalStore store, String fileName, byte[] content, int crc32c) throws IngestException {
        Ingest ingest = store.begin("pg", WalFileName.parse(fileName), content.length, 0);
        try {
            int offset = 0;
            for (int i = 0; offset < content.length; i++) {
                int length = Math.min(CHUNKS[i % CHUNKS.length], content.length - offset);
                ingest.write(ByteBuffer.wrap(content, offset, length));
                offset += length;
            }
            return ingest.finish(crc32c).toCompletableFuture().join();
        } catch (IngestException | RuntimeException e) {
            ingest.abort();
            throw e;
        }
    }

    private List<String> keys() {
        return s3.listObjectsV2(l -> l.bucket(bucket)).contents().stream().map(S3Object::key).sorted().toList();
    }

    private ResponseBytes<GetObjectResponse> object(String key) {
        return s3.getObjectAsBytes(g -> g.bucket(bucket).key(key));
    }

    private static byte[] served(WalStore store, String fileName) throws IngestException, IOException {
        try (InputStream in = store.openPlain("pg", WalFileName.parse(fileName)).orElseThrow()) {
            return in.readAllBytes();
        }
    }

    // ---- storing ----

    @ParameterizedTest
    @EnumSource(CloudCompression.class)
    void aSegmentIsStoredUnderItsBarmanCloudKeyWithItsPlainChecksum(CloudCompression compression) throws Exception {
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);

        Outcome outcome = push(store(compression), SEGMENT, content);

        assertEquals(ReplyCode.STORED, outcome.code(), outcome.message());
        String key = KEY_DIR + SEGMENT + compression.suffix;
        assertEquals(List.of(key, "pfx/pg/walship-identity.json"), keys());
        ResponseBytes<GetObjectResponse> stored = object(key);
        try (InputStream plain = compression.decompress(stored.asInputStream())) {
            assertArrayEquals(content, plain.readAllBytes());
        }
        assertEquals(HexFormat.of().toHexDigits(crc(content)), stored.response().metadata().get("walship-plain-crc32c"));
        assertEquals(Integer.toString(MIB), stored.response().metadata().get("walship-plain-size"));
        assertTrue(new String(object("pfx/pg/walship-identity.json").asByteArray(), StandardCharsets.UTF_8)
                .contains("\"systemid\": \"" + SYSTEM_ID + "\""), "the first segment pins the cluster");
    }

    @Test
    void historyFilesGoDirectlyInWals() throws Exception {
        byte[] history = "1\t0/3000000\tno recovery target specified\n".getBytes(StandardCharsets.UTF_8);

        Outcome outcome = push(store(CloudCompression.GZIP), "00000002.history", history);

        assertEquals(ReplyCode.STORED, outcome.code(), outcome.message());
        assertEquals(List.of("pfx/pg/wals/00000002.history.gz"), keys());
    }

    @Test
    void anIdenticalRepushIsAlreadyStored() throws Exception {
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);
        push(store(CloudCompression.GZIP), SEGMENT, content);
        byte[] before = object(KEY_DIR + SEGMENT + ".gz").asByteArray();

        Outcome again = push(store(CloudCompression.GZIP), SEGMENT, content);

        assertEquals(ReplyCode.ALREADY_STORED, again.code(), again.message());
        assertArrayEquals(before, object(KEY_DIR + SEGMENT + ".gz").asByteArray());
    }

    @Test
    void otherContentUnderAStoredNameIsAConflictAndTheObjectStays() throws Exception {
        push(store(CloudCompression.GZIP), SEGMENT, segment(SEGMENT, SYSTEM_ID, 1));
        byte[] before = object(KEY_DIR + SEGMENT + ".gz").asByteArray();

        Outcome other = push(store(CloudCompression.GZIP), SEGMENT, segment(SEGMENT, SYSTEM_ID, 2));

        assertEquals(ReplyCode.CONFLICT, other.code(), other.message());
        assertTrue(other.message().contains("different content"), other.message());
        assertArrayEquals(before, object(KEY_DIR + SEGMENT + ".gz").asByteArray());
    }

    @Test
    void aNameStoredWithAnotherCodecIsComparedNotStoredTwice() throws Exception {
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);
        // As barman-cloud-wal-archive without --gzip stores it.
        s3.putObject(p -> p.bucket(bucket).key(KEY_DIR + SEGMENT), RequestBody.fromBytes(content));
        WalStore store = store(CloudCompression.GZIP);

        assertEquals(ReplyCode.ALREADY_STORED, push(store, SEGMENT, content).code());
        assertEquals(ReplyCode.CONFLICT, push(store, SEGMENT, segment(SEGMENT, SYSTEM_ID, 3)).code());
        assertEquals(List.of(KEY_DIR + SEGMENT), keys());
    }

    @Test
    void aNameStoredSinceTheListingIsFoundByTheConditionalPut() throws Exception {
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);
        push(store(CloudCompression.GZIP), SEGMENT, content);
        byte[] before = object(KEY_DIR + SEGMENT + ".gz").asByteArray();
        WalStore racing = store(CloudCompression.GZIP, ScriptedClient::blindListing);

        Outcome same = push(racing, SEGMENT, content);
        Outcome other = push(racing, SEGMENT, segment(SEGMENT, SYSTEM_ID, 2));

        assertEquals(ReplyCode.ALREADY_STORED, same.code(), same.message());
        assertEquals(ReplyCode.CONFLICT, other.code(), other.message());
        assertArrayEquals(before, object(KEY_DIR + SEGMENT + ".gz").asByteArray());
    }

    @Test
    void aPutTheStoreRefusesFailsTheUpload() throws Exception {
        Outcome outcome = push(store(CloudCompression.GZIP, real -> ScriptedClient.failingPuts(real, 503)), SEGMENT,
                segment(SEGMENT, SYSTEM_ID, 1));

        assertEquals(ReplyCode.FAILED, outcome.code(), outcome.message());
        assertTrue(outcome.message().contains("HTTP 503 SlowDown"), outcome.message());
        assertEquals(List.of(), keys());
    }

    @Test
    void aDamagedTransferIsRefusedAndNothingIsStored() throws Exception {
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);

        IngestException e = assertThrows(IngestException.class, () -> push(store(CloudCompression.GZIP), SEGMENT,
                content, crc(content) ^ 1));

        assertEquals(Rejection.CHECKSUM_MISMATCH, e.outcome().rejection().orElseThrow());
        assertEquals(List.of(), keys());
    }

    @Test
    void aSegmentWhoseHeaderDoesNotMatchItsNameIsRefused() throws Exception {
        byte[] content = segment("000000010000000000000002", SYSTEM_ID, 1);

        IngestException e = assertThrows(IngestException.class, () -> push(store(CloudCompression.GZIP), SEGMENT,
                content));

        assertEquals(Rejection.BAD_CONTENT, e.outcome().rejection().orElseThrow());
        assertEquals(List.of(), keys());
    }

    @Test
    void anotherClustersSegmentIsRefusedOncePinned() throws Exception {
        push(store(CloudCompression.GZIP), SEGMENT, segment(SEGMENT, SYSTEM_ID, 1));
        String next = "000000010000000000000002";

        // A receiver that starts now knows the pin only from the bucket.
        Outcome outcome = push(store(CloudCompression.GZIP), next, segment(next, SYSTEM_ID + 1, 1));

        assertEquals(ReplyCode.REJECTED, outcome.code(), outcome.message());
        assertEquals(Optional.of(Rejection.OTHER_SYSTEM), outcome.rejection());
        assertEquals(List.of(KEY_DIR + SEGMENT + ".gz", "pfx/pg/walship-identity.json"), keys());
    }

    @Test
    void anUnreachableStoreFailsTheUploadAndLeavesNothing() throws Exception {
        Outcome outcome = push(store(CloudCompression.GZIP, closedEndpoint()), SEGMENT, segment(SEGMENT, SYSTEM_ID,
                1));

        assertEquals(ReplyCode.FAILED, outcome.code(), outcome.message());
        assertTrue(outcome.message().contains("retry"), outcome.message());
        assertEquals(List.of(), keys());
    }

    @Test
    void aMissingBucketFailsTheUpload() throws Exception {
        s3.deleteBucket(d -> d.bucket(bucket));

        Outcome outcome = push(store(CloudCompression.GZIP), SEGMENT, segment(SEGMENT, SYSTEM_ID, 1));

        assertEquals(ReplyCode.FAILED, outcome.code(), outcome.message());
        assertTrue(outcome.message().contains("404"), outcome.message());
        s3.createBucket(b -> b.bucket(bucket));
    }

    @Test
    void aConditionalPutNeverReplacesAnObject() throws Exception {
        CloudServer server = new CloudServer("pg", Set.of(), Optional.of(proxy.endpoint()), bucket, "pfx",
                S3ProxyServer.REGION, true, Optional.of(new CloudServer.Credentials(credentials, "default")),
                CloudCompression.NONE, spool);
        s3.putObject(p -> p.bucket(bucket).key("pfx/pg/k"), RequestBody.fromString("first"));
        Path file = Files.writeString(dir.resolve("second"), "second");

        try (Bucket target = new Bucket(server, S3Clients.of(server))) {
            boolean stored = target.putIfAbsent("pfx/pg/k", file, 6, crc("second".getBytes(StandardCharsets.UTF_8)),
                    md5("second"), Map.of());

            assertEquals(false, stored);
        }
        assertEquals("first", object("pfx/pg/k").asString(StandardCharsets.UTF_8));
    }

    /** Content-MD5 is the integrity check that Ceph RGW verifies (it ignores x-amz-checksum-*). */
    @Test
    void aPutWhoseBytesDoNotMatchTheirMd5IsRefusedAndNothingIsStored() throws Exception {
        CloudServer server = new CloudServer("pg", Set.of(), Optional.of(proxy.endpoint()), bucket, "pfx",
                S3ProxyServer.REGION, true, Optional.of(new CloudServer.Credentials(credentials, "default")),
                CloudCompression.NONE, spool);
        Path file = Files.writeString(dir.resolve("sent"), "sent");

        try (Bucket target = new Bucket(server, S3Clients.of(server))) {
            SdkException refused = assertThrows(SdkException.class, () -> target.putIfAbsent("pfx/pg/md5", file, 4,
                    crc("sent".getBytes(StandardCharsets.UTF_8)), md5("other"), Map.of()));
            assertTrue(BucketCalls.hasStatus(refused, 400), refused.getMessage());
        }
        assertTrue(s3.listObjectsV2(l -> l.bucket(bucket).prefix("pfx/pg/md5")).contents().isEmpty(),
                "expected nothing stored under a key whose put failed its Content-MD5");
    }

    private static String md5(String text) {
        return Base64.getEncoder().encodeToString(Bucket.md5().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    // ---- reading ----

    @ParameterizedTest
    @EnumSource(CloudCompression.class)
    void aStoredFileIsServedAsItsPlainBytes(CloudCompression compression) throws Exception {
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);
        WalStore store = store(compression);
        push(store, SEGMENT, content);

        assertArrayEquals(content, served(store, SEGMENT));
        assertEquals(Optional.empty(), store.openPlain("pg", WalFileName.parse("000000010000000000000009")));
    }

    @Test
    void aFileBarmanCloudStoredIsServedToo() throws Exception {
        byte[] history = "1\t0/3000000\tno recovery target specified\n".getBytes(StandardCharsets.UTF_8);
        s3.putObject(p -> p.bucket(bucket).key("pfx/pg/wals/00000002.history"), RequestBody.fromBytes(history));

        assertArrayEquals(history, served(store(CloudCompression.GZIP), "00000002.history"));
    }

    @Test
    void damageAtRestFailsTheReadAtItsEnd() throws Exception {
        byte[] content = segment(SEGMENT, SYSTEM_ID, 1);
        WalStore store = store(CloudCompression.NONE);
        push(store, SEGMENT, content);
        Path object = proxy.bucketDirectory(bucket).resolve(KEY_DIR + SEGMENT);
        byte[] damaged = Files.readAllBytes(object);
        damaged[MIB / 2] ^= 0x40;
        Files.write(object, damaged);

        IOException e = assertThrows(IOException.class, () -> served(store, SEGMENT));

        assertTrue(e.getMessage().contains("no longer holds what was stored"), e.getMessage());
    }

    // ---- checking ----

    @Test
    void aCheckSaysTheBucketAnswersAndWhetherAFileIsStored() throws Exception {
        WalStore store = store(CloudCompression.GZIP);
        push(store, SEGMENT, segment(SEGMENT, SYSTEM_ID, 1));

        List<CheckItem> items = store.check("pg", Optional.of(WalFileName.parse(SEGMENT)));

        assertTrue(items.stream().allMatch(item -> item.status() == CheckItem.Status.OK), items.toString());
        assertTrue(items.getLast().detail().contains(KEY_DIR + SEGMENT + ".gz"), items.toString());
        List<CheckItem> missing = store.check("pg", Optional.of(WalFileName.parse("000000010000000000000009")));
        assertEquals(CheckItem.Status.FAILED, missing.getLast().status(), missing.toString());
    }

    @Test
    void aCheckOfAMissingBucketFails() {
        s3.deleteBucket(d -> d.bucket(bucket));

        List<CheckItem> items = store(CloudCompression.GZIP).check("pg", Optional.empty());

        assertEquals(CheckItem.Status.FAILED, items.getLast().status(), items.toString());
        s3.createBucket(b -> b.bucket(bucket));
    }

    // ---- verifying ----

    private static final List<String> RUN = List.of("000000010000000000000001", "000000010000000000000002",
            "000000010000000000000003");

    /** Three segments in a row and a history file, stored by the store. */
    private void storeARun() throws IngestException {
        WalStore store = store(CloudCompression.GZIP);
        for (int i = 0; i < RUN.size(); i++) {
            assertEquals(ReplyCode.STORED, push(store, RUN.get(i), segment(RUN.get(i), SYSTEM_ID, i)).code());
        }
        push(store, "00000002.history", "1\t0/3000000\tno recovery target specified\n".getBytes(
                StandardCharsets.UTF_8));
    }

    private Findings.Report verify() throws IOException {
        return BucketVerification.verify(server(CloudCompression.GZIP, proxy.endpoint()));
    }

    private String url(String key) {
        return "s3://" + bucket + "/" + key;
    }

    @Test
    void aSoundBucketVerifiesWithEveryObjectAgainstItsMetadata() throws Exception {
        storeARun();

        Findings.Report report = verify();

        assertEquals(new Findings.Report("pg", 4, 4, List.of()), report);
    }

    @Test
    void anObjectDamagedAtRestIsCriticalAndNamed() throws Exception {
        storeARun();
        String key = KEY_DIR + RUN.get(1) + ".gz";
        Path blob = proxyDir.resolve(bucket).resolve(key);
        byte[] damaged = Files.readAllBytes(blob);
        damaged[damaged.length / 2] ^= 0x5a;
        Files.write(blob, damaged);

        Findings.Report report = verify();

        assertEquals(Optional.of(Findings.Severity.CRITICAL), report.worst(), report.toString());
        assertEquals(1, report.findings().size(), report.toString());
        assertTrue(report.findings().getFirst().text().startsWith("DAMAGED " + url(key) + ": "), report.toString());
    }

    @Test
    void anObjectPutAgainWithOtherBytesBesideTheReceiverIsCritical() throws Exception {
        storeARun();
        String key = KEY_DIR + RUN.get(2) + ".gz";
        Map<String, String> metadata = object(key).response().metadata();
        ByteArrayOutputStream other = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(other)) {
            gzip.write(segment(RUN.get(2), SYSTEM_ID, 99));
        }
        s3.putObject(p -> p.bucket(bucket).key(key).metadata(metadata), RequestBody.fromBytes(other.toByteArray()));

        Findings.Report report = verify();

        assertEquals(1, report.findings().size(), report.toString());
        Findings.Finding finding = report.findings().getFirst();
        assertEquals(Findings.Severity.CRITICAL, finding.severity());
        assertTrue(finding.text().startsWith("DAMAGED " + url(key) + ": holds " + MIB + " plain bytes with CRC-32C ")
                && finding.text().contains(", stored was " + MIB + " plain bytes with CRC-32C "), finding.text());
    }

    @Test
    void aSegmentMissingInTheMiddleIsAGap() throws Exception {
        storeARun();
        s3.deleteObject(d -> d.bucket(bucket).key(KEY_DIR + RUN.get(1) + ".gz"));

        Findings.Report report = verify();

        assertEquals(List.of(new Findings.Finding(Findings.Severity.CRITICAL, "GAP on timeline 1: " + RUN.get(1)
                + " is missing; recovery cannot replay past it")), report.findings());
    }

    @Test
    void barmanCloudsObjectsCountWithoutAChecksumAndAStrayKeyIsCritical() throws Exception {
        storeARun();
        String plain = "000000010000000000000004";
        s3.putObject(p -> p.bucket(bucket).key(KEY_DIR + plain), RequestBody.fromBytes(segment(plain, SYSTEM_ID, 4)));
        String stray = KEY_DIR + "notes.txt";
        s3.putObject(p -> p.bucket(bucket).key(stray), RequestBody.fromString("not WAL"));

        Findings.Report report = verify();

        assertEquals(6, report.files(), report.toString());
        assertEquals(4, report.withChecksum(), report.toString());
        assertEquals(List.of(new Findings.Finding(Findings.Severity.CRITICAL, url(stray) + " is not a WAL file where "
                + "barman-cloud-wal-restore looks for one: recovery cannot find it")), report.findings());
    }

    @Test
    void anUnreachableBucketCannotBeVerified() throws Exception {
        URI closed = closedEndpoint();

        IOException e = assertThrows(IOException.class, () -> BucketVerification.verify(server(CloudCompression.GZIP,
                closed)));

        assertTrue(e.getMessage().startsWith("cannot read s3://" + bucket + "/pfx/pg/wals/: "), e.getMessage());
    }
}
