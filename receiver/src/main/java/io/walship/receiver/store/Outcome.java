package io.walship.receiver.store;

import io.walship.protocol.ReplyCode;
import java.util.Optional;

/**
 * What became of a request, with the message the client will print.
 *
 * @param rejection why, for a request answered {@link ReplyCode#REJECTED}
 */
public record Outcome(ReplyCode code, String message, Optional<Rejection> rejection) {

    public Outcome {
        if (rejection.isPresent() != (code == ReplyCode.REJECTED)) {
            throw new IllegalArgumentException(code + " with rejection " + rejection + ": " + message);
        }
    }

    /** Any outcome but a rejection. */
    public Outcome(ReplyCode code, String message) {
        this(code, message, Optional.empty());
    }

    public static Outcome rejected(Rejection why, String message) {
        return new Outcome(ReplyCode.REJECTED, message, Optional.of(why));
    }
}
