package io.walship.receiver.store.s3;

import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A real client with one thing changed, for what the real store does not do on demand: a listing that misses
 * what is there (as when another receiver puts the same name between the listing and the put), or a put the store
 * answers with an error after the SDK gave up retrying.
 */
final class ScriptedClient implements S3AsyncClient {

    private final S3AsyncClient real;
    private final boolean blindListing;
    private final int putStatus;

    private ScriptedClient(S3AsyncClient real, boolean blindListing, int putStatus) {
        this.real = real;
        this.blindListing = blindListing;
        this.putStatus = putStatus;
    }

    /** Lists nothing, whatever the bucket holds. */
    static ScriptedClient blindListing(S3AsyncClient real) {
        return new ScriptedClient(real, true, 0);
    }

    /** Answers every put with {@code status} SlowDown, storing nothing. */
    static ScriptedClient failingPuts(S3AsyncClient real, int status) {
        return new ScriptedClient(real, false, status);
    }

    @Override
    public CompletableFuture<ListObjectsV2Response> listObjectsV2(ListObjectsV2Request request) {
        return blindListing ? CompletableFuture.completedFuture(ListObjectsV2Response.builder().build())
                : real.listObjectsV2(request);
    }

    @Override
    public CompletableFuture<PutObjectResponse> putObject(PutObjectRequest request, AsyncRequestBody body) {
        if (putStatus == 0) {
            return real.putObject(request, body);
        }
        return CompletableFuture.failedFuture(S3Exception.builder().statusCode(putStatus).awsErrorDetails(
                AwsErrorDetails.builder().errorCode("SlowDown").errorMessage("Please reduce your request rate.")
                        .build()).build());
    }

    @Override
    public <T> CompletableFuture<T> getObject(GetObjectRequest request,
            AsyncResponseTransformer<GetObjectResponse, T> transformer) {
        return real.getObject(request, transformer);
    }

    @Override
    public String serviceName() {
        return real.serviceName();
    }

    @Override
    public void close() {
        real.close();
    }
}
