package io.walship.receiver.net;

/** The client broke the protocol: it gets one REJECTED reply and the connection is closed. */
final class ProtocolViolation extends RuntimeException {

    ProtocolViolation(String message) {
        super(message, null, false, false);
    }
}
