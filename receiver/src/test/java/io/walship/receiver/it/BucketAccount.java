package io.walship.receiver.it;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Where an S3 store on loopback answers and the keys of its one user, as the tests hand them on. */
public record BucketAccount(URI endpoint, String accessKey, String secretKey, String region) {

    /** A client of the test's own, to set up and look at what the receiver stored. */
    public S3Client client() {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey,
                        secretKey)))
                .build();
    }

    /** An AWS shared credentials file (mode 0600) with the keys under {@code profile}, as a receiver reads it. */
    public Path writeCredentials(Path file, String profile) throws IOException {
        Files.writeString(file, "[" + profile + "]\naws_access_key_id = " + accessKey
                + "\naws_secret_access_key = " + secretKey + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** The same keys through another endpoint, such as a link in front of the store. */
    public BucketAccount via(URI other) {
        return new BucketAccount(other, accessKey, secretKey, region);
    }

    /**
     * The keys of a receiver's server section that stores in {@code bucket} under {@code prefix} through this
     * account, its keys read from {@code credentials} [{@code profile}], uploads spooled in {@code tempDirectory};
     * more can be put in the map.
     */
    public Map<String, String> serverSection(String bucket, String prefix, Path credentials, String profile,
            Path tempDirectory) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("storage", "s3");
        keys.put("endpoint", endpoint.toString());
        keys.put("region", region);
        keys.put("bucket", bucket);
        keys.put("prefix", prefix);
        keys.put("credentials_file", credentials.toString());
        keys.put("profile", profile);
        keys.put("temp_directory", tempDirectory.toString());
        return keys;
    }

    /**
     * What barman-cloud's commands take the account from, and nothing else: no AWS configuration of the user who
     * runs them is read.
     */
    List<String> awsEnvironment() {
        return List.of("AWS_ACCESS_KEY_ID=" + accessKey, "AWS_SECRET_ACCESS_KEY=" + secretKey,
                "AWS_DEFAULT_REGION=" + region, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null");
    }
}
