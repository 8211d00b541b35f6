package io.walship.receiver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.config.ConfigException;
import io.walship.receiver.compress.CloudCompression;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Server sections with {@code storage = s3}: every value checked when the file loads, each mistake in one line. */
class CloudServerConfigTest {

    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void receiverFiles() throws IOException {
        file = dir.resolve("receiver.conf");
        Files.createDirectory(dir.resolve("barman"));
        for (String name : List.of("ca.crt", "receiver.crt", "receiver.key")) {
            Files.writeString(dir.resolve(name), "placeholder\n");
        }
    }

    private static final String RECEIVER = """
            [receiver]
            barman_home = barman
            ca_file = ca.crt
            cert_file = receiver.crt
            key_file = receiver.key

            """;

    private ReceiverConfig load(String servers) throws IOException, ConfigException {
        Files.writeString(file, RECEIVER + servers);
        return ReceiverConfig.load(file);
    }

    private CloudServer loadOne(String section) throws IOException, ConfigException {
        return load("[pg]\nclients = pg1\nstorage = s3\n" + section).cloudServers().get("pg");
    }

    private void loadFails(String section, String... fragments) throws IOException {
        Files.writeString(file, RECEIVER + "[pg]\nclients = pg1\nstorage = s3\n" + section);
        ConfigException e = assertThrows(ConfigException.class, () -> ReceiverConfig.load(file));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString() + ":"), "names the file: " + e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention '" + fragment + "'");
        }
    }

    private Path credentials(String content, String permissions) throws IOException {
        Path credentials = dir.resolve("aws-credentials");
        Files.writeString(credentials, content);
        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString(permissions));
        return credentials;
    }

    @Test
    void aServerAtAnEndpointWithDefaults() throws IOException, ConfigException {
        CloudServer server = loadOne("endpoint = http://127.0.0.1:7480\nbucket = wal-archive\n");

        assertEquals("pg", server.name());
        assertEquals(Set.of("pg1"), server.clients());
        assertEquals(Optional.of(URI.create("http://127.0.0.1:7480")), server.endpoint());
        assertEquals("wal-archive", server.bucket());
        assertEquals("", server.prefix());
        assertEquals("us-east-1", server.region(), "any region signs for a store that is not AWS");
        assertTrue(server.pathStyle(), "path-style by default with an endpoint");
        assertEquals(Optional.empty(), server.credentials(), "the SDK's default chain");
        assertEquals(CloudCompression.GZIP, server.compression());
        assertEquals(Path.of(System.getProperty("java.io.tmpdir")), server.tempDirectory());
        assertEquals("s3://wal-archive", server.url());
    }

    @Test
    void everyKeySet() throws IOException, ConfigException {
        Path credentials = credentials("[archive]\naws_access_key_id = AK\naws_secret_access_key = SK\n", "rw-------");
        Files.createDirectory(dir.resolve("spool"));

        CloudServer server = loadOne("""
                bucket = wal-archive
                prefix = /walship/prod/
                region = eu-west-1
                credentials_file = aws-credentials
                profile = archive
                path_style = false
                compression = bzip2
                temp_directory = spool
                """);

        assertEquals(Optional.empty(), server.endpoint(), "AWS itself");
        assertEquals("walship/prod", server.prefix(), "as barman-cloud takes the path: no slashes at its ends");
        assertEquals("eu-west-1", server.region());
        assertFalse(server.pathStyle());
        assertEquals(Optional.of(new CloudServer.Credentials(credentials, "archive")), server.credentials());
        assertEquals(CloudCompression.BZIP2, server.compression());
        assertEquals(dir.resolve("spool"), server.tempDirectory());
        assertEquals("s3://wal-archive/walship/prod", server.url());
    }

    @Test
    void snappyAsBarmanCloudWritesIt() throws IOException, ConfigException {
        assertEquals(CloudCompression.SNAPPY, loadOne("endpoint = http://s3.local\nbucket = b-1\ncompression = snappy\n")
                .compression());
    }

    @Test
    void noCompressionIsThePlainFile() throws IOException, ConfigException {
        assertEquals(CloudCompression.NONE, loadOne("endpoint = http://s3.local\nbucket = b-1\ncompression = none\n")
                .compression());
    }

    @Test
    void bucketServersNeedNoBarmanServerBesideThem() throws IOException, ConfigException {
        ReceiverConfig config = load("[pg]\nclients = pg1\nstorage = s3\nendpoint = http://s3.local\nbucket = b-1\n"
                + "[other]\nclients = pg2\n");

        assertEquals(Set.of("pg"), config.cloudServers().keySet());
        assertEquals(Set.of("other"), config.servers().keySet());
    }

    @Test
    void aReadByBarmanConfigurationKeepsItsBucketServers() throws IOException, ConfigException {
        ReceiverConfig config = load("[pg]\nclients = pg1\nstorage = s3\nendpoint = http://s3.local\nbucket = b-1\n");

        assertEquals(config.cloudServers(), config.readBy(Optional.empty()).cloudServers());
    }

    @Test
    void anUnknownStorage() throws IOException {
        Files.writeString(file, RECEIVER + "[pg]\nclients = pg1\nstorage = gcs\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ReceiverConfig.load(file));
        assertTrue(e.getMessage().contains("storage = gcs is not valid; expected barman"), e.getMessage());
        assertTrue(e.getMessage().contains("or s3"), e.getMessage());
    }

    @Test
    void aBucketIsNeeded() throws IOException {
        loadFails("endpoint = http://s3.local\n", "[pg] is missing 'bucket'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"UpperCase", "ab", "under_score", "-dash", "dots..twice", "space d"})
    void anInvalidBucketName(String bucket) throws IOException {
        loadFails("endpoint = http://s3.local\nbucket = " + bucket + "\n", "bucket = " + bucket, "is not valid",
                "lower-case letters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3.local", "ftp://s3.local", "http://", "http://s3.local/path",
            "http://s3.local?x=1", "http://user@s3.local"})
    void anInvalidEndpoint(String endpoint) throws IOException {
        loadFails("endpoint = " + endpoint + "\nbucket = b-1\n", "endpoint = " + endpoint, "http:// or https://");
    }

    @Test
    void awsNeedsARegion() throws IOException {
        loadFails("bucket = b-1\n", "[pg] is missing 'region'", "eu-west-1");
    }

    @Test
    void anInvalidRegion() throws IOException {
        loadFails("bucket = b-1\nregion = EU West\n", "region = EU West is not valid");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a//b", "a/../b", "./a", "a b"})
    void anInvalidPrefix(String prefix) throws IOException {
        loadFails("endpoint = http://s3.local\nbucket = b-1\nprefix = " + prefix + "\n", "prefix = " + prefix,
                "single slashes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"zstd", "lz4", "xz", "GZIP"})
    void aCompressionBarmanCloudDoesNotRestoreOrWalshipDoesNotWrite(String compression) throws IOException {
        loadFails("endpoint = http://s3.local\nbucket = b-1\ncompression = " + compression + "\n",
                "compression = " + compression, "gzip|bzip2|snappy|none");
    }

    @Test
    void anInvalidPathStyle() throws IOException {
        loadFails("endpoint = http://s3.local\nbucket = b-1\npath_style = maybe\n", "path_style = maybe",
                "yes or no");
    }

    @Test
    void aCredentialsFileOthersMayReadIsRefused() throws IOException {
        credentials("[default]\naws_access_key_id = AK\naws_secret_access_key = SK\n", "rw-r--r--");

        loadFails("endpoint = http://s3.local\nbucket = b-1\ncredentials_file = aws-credentials\n",
                "credentials_file", "rw-r--r--", "chmod 600");
    }

    @Test
    void aCredentialsFileTheGroupMayReadIsRefused() throws IOException {
        credentials("[default]\naws_access_key_id = AK\naws_secret_access_key = SK\n", "rw-r-----");

        loadFails("endpoint = http://s3.local\nbucket = b-1\ncredentials_file = aws-credentials\n", "chmod 600");
    }

    @Test
    void aMissingCredentialsFile() throws IOException {
        loadFails("endpoint = http://s3.local\nbucket = b-1\ncredentials_file = nowhere\n", "credentials_file",
                "no such readable file");
    }

    @Test
    void aCredentialsFileWithoutTheProfile() throws IOException {
        credentials("[default]\naws_access_key_id = AK\naws_secret_access_key = SK\n", "rw-------");

        loadFails("endpoint = http://s3.local\nbucket = b-1\ncredentials_file = aws-credentials\nprofile = archive\n",
                "has no profile [archive] with aws_access_key_id and aws_secret_access_key");
    }

    @Test
    void aProfileWithoutItsSecret() throws IOException {
        credentials("[default]\naws_access_key_id = AK\n", "rw-------");

        loadFails("endpoint = http://s3.local\nbucket = b-1\ncredentials_file = aws-credentials\n",
                "has no profile [default]");
    }

    @Test
    void aProfileWithoutACredentialsFile() throws IOException {
        loadFails("endpoint = http://s3.local\nbucket = b-1\nprofile = archive\n", "profile needs credentials_file");
    }

    @Test
    void aTempDirectoryThatIsNone() throws IOException {
        loadFails("endpoint = http://s3.local\nbucket = b-1\ntemp_directory = missing\n", "temp_directory",
                "not a directory the receiver may write");
    }

    @Test
    void aKeyOfBarmanStorageOnly() throws IOException {
        loadFails("endpoint = http://s3.local\nbucket = b-1\nbarman_home = /var/lib/barman\n", "barman_home");
    }
}
