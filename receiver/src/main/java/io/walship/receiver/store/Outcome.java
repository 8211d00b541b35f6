package io.walship.receiver.store;

import io.walship.protocol.ReplyCode;

/** What became of a request, with the message the client will print. */
public record Outcome(ReplyCode code, String message) {
}
