package io.walship.receiver.config;

import io.walship.receiver.compress.CloudCompression;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * A server whose WAL goes to an S3-compatible bucket in barman-cloud's layout ({@code storage = s3}).
 *
 * @param endpoint the store's URL; empty: AWS itself, found from the region
 * @param prefix the path under the bucket, without slashes at its ends; may be empty
 * @param pathStyle {@code <endpoint>/<bucket>/<key>} rather than {@code <bucket>.<endpoint>/<key>}
 * @param credentials the AWS-style credentials file and profile; empty: the SDK's default provider chain
 * @param tempDirectory where uploads are spooled, compressed and checked before they go to the bucket
 */
public record CloudServer(String name, Set<String> clients, Optional<URI> endpoint, String bucket, String prefix,
        String region, boolean pathStyle, Optional<Credentials> credentials, CloudCompression compression,
        Path tempDirectory) implements ArchivedServer {

    /** A profile of an AWS credentials file. */
    public record Credentials(Path file, String profile) {
    }

    /** {@code s3://bucket/prefix}, as barman-cloud's commands take it. */
    public String url() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }
}
