package io.walship.receiver.store.s3;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Waits for the SDK's calls as a blocking call would, and says in one line why one failed. */
final class BucketCalls {

    static final int PRECONDITION_FAILED = 412;
    static final int NOT_FOUND = 404;
    /** How the SDK ends a failure's message with the tries it made. */
    private static final Pattern ATTEMPTS = Pattern.compile("\\(SDK Attempt Count: (\\d+)\\)");
    /** Where the SDK's advice on a broken connection starts (proxies, debug logging, a TCP dump): no help here. */
    private static final String ADVICE = " The request will usually succeed on a retry";

    private BucketCalls() {
    }

    /** The result, or the SDK's own exception rather than the future's wrapper. */
    static <T> T await(CompletableFuture<T> call) {
        try {
            return call.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SdkException sdk) {
                throw sdk;
            }
            throw e;
        }
    }

    static boolean hasStatus(SdkException e, int status) {
        return e instanceof S3Exception s3 && s3.statusCode() == status;
    }

    /** The store's answer (status, code, message) or why there was none, and after how many tries. */
    static String reason(SdkException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        Matcher attempts = ATTEMPTS.matcher(message);
        String tries = attempts.find() && !attempts.group(1).equals("1") ? " (" + attempts.group(1) + " tries)" : "";
        if (e instanceof S3Exception s3 && s3.awsErrorDetails() != null) {
            String code = s3.awsErrorDetails().errorCode();
            String text = s3.awsErrorDetails().errorMessage();
            return "HTTP " + s3.statusCode() + (code == null ? "" : " " + code) + (text == null ? "" : ": " + text)
                    + tries;
        }
        if (e instanceof ApiCallTimeoutException) {
            return "no answer within the " + S3Clients.CALL_TIMEOUT.toSeconds() + " s its calls may take" + tries;
        }
        if (message.isEmpty()) {
            return e.getClass().getSimpleName() + tries;
        }
        String first = message.lines().findFirst().orElse(message);
        int advice = first.indexOf(ADVICE);
        return (advice >= 0 ? first.substring(0, advice) : ATTEMPTS.matcher(first).replaceAll("").trim()) + tries;
    }
}
