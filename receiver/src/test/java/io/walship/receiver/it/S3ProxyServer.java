package io.walship.receiver.it;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 implementation (S3Proxy, its filesystem blobstore under {@code dir}) on loopback, in the tests' JVM,
 * with signed requests only, as a bucket store has them. S3Proxy 4.1.0 honours {@code If-None-Match: *} on
 * PutObject (412 when the key exists, the object kept) and refuses a put whose {@code x-amz-checksum-crc32c} does
 * not match its bytes (400), as S3ProxyFactsTest shows.
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String ACCESS_KEY = "walship-test";
    public static final String SECRET_KEY = "walship-test-secret";
    public static final String REGION = "us-east-1";

    private final S3Proxy proxy;
    private final URI endpoint;
    private final Path dir;

    private S3ProxyServer(S3Proxy proxy, URI endpoint, Path dir) {
        this.proxy = proxy;
        this.endpoint = endpoint;
        this.dir = dir;
    }

    public static S3ProxyServer start(Path dir) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", dir.toString());
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(BlobStores.create("filesystem", properties))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        return new S3ProxyServer(proxy, URI.create("http://127.0.0.1:" + proxy.getPort()), dir);
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Where the filesystem blobstore keeps the objects of {@code bucket} (one file per key). */
    public Path bucketDirectory(String bucket) {
        return dir.resolve(bucket);
    }

    /**
     * The keys of a receiver's server section ({@code storage = s3}) that stores into {@code bucket} under
     * {@code prefix}, with this proxy's keys written to {@code credentials} as profile {@code archive}; callers add
     * compression and temp_directory.
     */
    public Map<String, String> serverSection(String bucket, String prefix, Path credentials) throws IOException {
        Files.writeString(credentials, "[archive]\naws_access_key_id = " + ACCESS_KEY + "\naws_secret_access_key = "
                + SECRET_KEY + "\n");
        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> section = new LinkedHashMap<>();
        section.put("storage", "s3");
        section.put("endpoint", endpoint.toString());
        section.put("bucket", bucket);
        section.put("prefix", prefix);
        section.put("credentials_file", credentials.toString());
        section.put("profile", "archive");
        return section;
    }

    /** A client of its own, to set up and look at what the receiver stored. */
    public S3Client client() {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY,
                        SECRET_KEY)))
                .build();
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
