package io.walship.receiver.store.s3;

import io.walship.receiver.config.CloudServer;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** The SDK client of one bucket server, over the SDK's Netty HTTP client and its own event loops. */
final class S3Clients {

    /**
     * Every call, retries included, and all the calls of one upload together ({@link Bucket#until}) end within this:
     * the agent gives up on a connection after 120 s without a byte either way, so the reply must come before, with
     * room left for the end of the compression, the reply and a loaded host.
     */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(90);
    /** One attempt: a 16 MiB segment at a few MB/s, or a store that stopped answering. */
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(40);
    /**
     * Tries of a call, the first included, whatever AWS_RETRY_MODE, AWS_MAX_ATTEMPTS or an AWS config file on the
     * host say (the SDK reads them when no strategy is set, and its legacy default tries 4 times): the SDK's
     * standard strategy, which retries 5xx, throttling (SlowDown), I/O errors and timed-out attempts with jittered
     * back-off, each try within the call timeout that is left.
     */
    static final int ATTEMPTS = 3;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private S3Clients() {
    }

    static S3AsyncClient of(CloudServer server) {
        var builder = S3AsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().connectionTimeout(CONNECT_TIMEOUT))
                .region(Region.of(server.region()))
                .forcePathStyle(server.pathStyle())
                .credentialsProvider(credentials(server))
                // Checksums only where we set them: the SDK's own default sends them as a trailer of a chunked
                // body, which Ceph RGW 16 refuses (XAmzContentSHA256Mismatch).
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(c -> c.apiCallTimeout(CALL_TIMEOUT).apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(ATTEMPTS)
                                .build()));
        server.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(CloudServer server) {
        if (server.credentials().isEmpty()) {
            return DefaultCredentialsProvider.builder().build();
        }
        CloudServer.Credentials file = server.credentials().get();
        return ProfileCredentialsProvider.builder()
                .profileFile(ProfileFile.builder().content(file.file()).type(ProfileFile.Type.CREDENTIALS).build())
                .profileName(file.profile())
                .build();
    }
}
