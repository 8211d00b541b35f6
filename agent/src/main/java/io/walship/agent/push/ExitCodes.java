package io.walship.agent.push;

import io.walship.agent.net.ReceiverFailure;
import io.walship.protocol.ReplyCode;

/** archive_command exit codes; all within 1..125 so PostgreSQL retries instead of restarting the archiver. */
public final class ExitCodes {

    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;
    public static final int TLS = 4;
    public static final int REJECTED = 5;
    public static final int CONFLICT = 6;
    public static final int RECEIVER_ERROR = 7;

    private ExitCodes() {
    }

    public static int of(ReceiverFailure.Kind kind) {
        return switch (kind) {
            case SETUP -> USAGE;
            case UNREACHABLE -> UNREACHABLE;
            case TLS -> TLS;
            case BROKEN -> RECEIVER_ERROR;
        };
    }

    public static int of(ReplyCode code) {
        return switch (code) {
            case STORED, ALREADY_STORED -> OK;
            case CONFLICT -> CONFLICT;
            case REJECTED -> REJECTED;
            case FAILED, BUSY -> RECEIVER_ERROR;
            default -> FAILURE;
        };
    }
}
