package io.walship.receiver.store;

import io.walship.protocol.ReplyCode;
import java.util.Optional;

/** A request refused ({@link ReplyCode#REJECTED}) or failed on our side ({@link ReplyCode#FAILED}). */
public class IngestException extends Exception {

    private final ReplyCode code;
    private final Rejection rejection;

    public IngestException(ReplyCode code, String message) {
        this(code, message, null, null);
    }

    public IngestException(ReplyCode code, String message, Throwable cause) {
        this(code, message, null, cause);
    }

    private IngestException(ReplyCode code, String message, Rejection rejection, Throwable cause) {
        super(message, cause);
        if (code == ReplyCode.REJECTED && rejection == null) {
            throw new IllegalArgumentException("a rejection needs its reason: " + message);
        }
        this.code = code;
        this.rejection = rejection;
    }

    public static IngestException rejected(Rejection why, String message) {
        return new IngestException(ReplyCode.REJECTED, message, why, null);
    }

    /** What a store says of a server it does not have. */
    public static String noSuchServer(String server) {
        return "the receiver has no server '" + server + "'";
    }

    public static IngestException unknownServer(String server) {
        return rejected(Rejection.UNKNOWN_SERVER, noSuchServer(server));
    }

    public ReplyCode code() {
        return code;
    }

    /** The answer the client gets. */
    public Outcome outcome() {
        return new Outcome(code, getMessage(), Optional.ofNullable(rejection));
    }
}
