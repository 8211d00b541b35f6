package io.walship.agent.net;

/** The receiver could not be asked: each kind calls for a different exit code in push and fetch. */
public final class ReceiverFailure extends Exception {

    public enum Kind {
        /** Our own configuration or credentials are unusable. */
        SETUP,
        /** No connection to the receiver. */
        UNREACHABLE,
        /** The TLS handshake failed: certificates, CA, host name. */
        TLS,
        /** The conversation broke off or made no sense. */
        BROKEN
    }

    private final Kind kind;

    public ReceiverFailure(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
