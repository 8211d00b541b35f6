package io.walship.receiver.store;

import io.walship.protocol.ReplyCode;

/** A request refused ({@link ReplyCode#REJECTED}) or failed on our side ({@link ReplyCode#FAILED}). */
public class IngestException extends Exception {

    private final ReplyCode code;

    public IngestException(ReplyCode code, String message) {
        super(message);
        this.code = code;
    }

    public IngestException(ReplyCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public static IngestException rejected(String message) {
        return new IngestException(ReplyCode.REJECTED, message);
    }

    public ReplyCode code() {
        return code;
    }
}
