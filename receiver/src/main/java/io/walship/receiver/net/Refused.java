package io.walship.receiver.net;

import io.walship.protocol.Message;
import io.walship.receiver.store.Outcome;
import io.walship.receiver.store.Rejection;

/** A request the client may not make, passed on in its place so that its own handler answers it. */
record Refused(Message request, Rejection rejection, String reason) {

    Outcome outcome() {
        return Outcome.rejected(rejection, reason);
    }
}
