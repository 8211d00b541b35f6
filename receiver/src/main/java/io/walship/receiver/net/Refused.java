package io.walship.receiver.net;

import io.walship.protocol.Message;

/** A request the client may not make, passed on in its place so that its own handler answers it. */
record Refused(Message request, String reason) {
}
