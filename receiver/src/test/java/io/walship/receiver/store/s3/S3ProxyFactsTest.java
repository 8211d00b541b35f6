package io.walship.receiver.store.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.walship.receiver.it.S3ProxyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What the S3 implementation the tests run against does with what the store relies on: a conditional put of an
 * existing key fails with 412 and keeps the object, and a put whose checksum does not match its bytes is refused.
 * Should an upgrade change either, the store's tests below would pass for the wrong reason; this says why.
 */
class S3ProxyFactsTest {

    @TempDir
    static Path dir;

    private static S3ProxyServer proxy;
    private static S3Client s3;

    @BeforeAll
    static void start() throws Exception {
        proxy = S3ProxyServer.start(dir);
        s3 = proxy.client();
        s3.createBucket(b -> b.bucket("facts"));
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
        proxy.close();
    }

    @Test
    void aConditionalPutOfAnExistingKeyFailsWith412AndKeepsTheObject() {
        s3.putObject(p -> p.bucket("facts").key("k").ifNoneMatch("*"), RequestBody.fromString("first"));

        S3Exception e = assertThrows(S3Exception.class, () -> s3.putObject(p -> p.bucket("facts").key("k")
                .ifNoneMatch("*"), RequestBody.fromString("second")));

        assertEquals(412, e.statusCode());
        assertEquals("first", s3.getObjectAsBytes(g -> g.bucket("facts").key("k")).asString(StandardCharsets.UTF_8));
    }

    @Test
    void aPutWhoseCrc32cDoesNotMatchItsBytesIsRefused() {
        S3Exception e = assertThrows(S3Exception.class, () -> s3.putObject(p -> p.bucket("facts").key("bad")
                .checksumCRC32C(Bucket.base64(0x12345678)), RequestBody.fromString("content")));

        assertEquals(400, e.statusCode(), e.getMessage());
        assertThrows(S3Exception.class, () -> s3.headObject(h -> h.bucket("facts").key("bad")));
    }
}
