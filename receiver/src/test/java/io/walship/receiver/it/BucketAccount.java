package io.walship.receiver.it;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Where an S3 store on loopback answers and the keys of its one user, as the tests hand them on. */
record BucketAccount(URI endpoint, String accessKey, String secretKey, String region) {

    /** A client of the test's own, to set up and look at what the receiver stored. */
    S3Client client() {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey,
                        secretKey)))
                .build();
    }

    /** An AWS shared credentials file (mode 0600) with the keys under {@code profile}, as a receiver reads it. */
    Path writeCredentials(Path file, String profile) throws IOException {
        Files.writeString(file, "[" + profile + "]\naws_access_key_id = " + accessKey
                + "\naws_secret_access_key = " + secretKey + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
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
