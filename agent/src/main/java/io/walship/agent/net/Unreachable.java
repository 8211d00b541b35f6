package io.walship.agent.net;

import io.walship.protocol.TlsFailure;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Which failures mean a receiver could not be asked, so that the next address may be: no connection, a TLS
 * handshake broken off by the network (no alert, no refused certificate), the connection lost or silent before any
 * answer, a BUSY receiver. Everything else is the receiver's answer, or our own fault, and stands.
 */
final class Unreachable {

    private Unreachable() {
    }

    /** Why the receiver could not be asked, in a few words; empty when the failure is final. */
    static Optional<String> why(Throwable root) {
        return switch (root) {
            // Netty's ConnectTimeoutException is one too.
            case ConnectException e -> Optional.of(message(e));
            case UnknownHostException e -> Optional.of("unknown host: " + message(e));
            case UnresolvedAddressException e -> Optional.of("unknown host");
            case ClosedChannelException e -> Optional.of("closed the connection before it answered");
            case NoAnswer e -> Optional.of(message(e));
            case ReceiverBusy e -> Optional.of("busy: " + message(e));
            case SSLException e when TlsFailure.receivedAlert(e).isEmpty()
                    && TlsFailure.refusedPeerCertificate(e).isEmpty() -> Optional.of("TLS handshake broken off: "
                    + TlsFailure.messages(e));
            case SocketException e -> Optional.of(message(e));
            default -> Optional.empty();
        };
    }

    static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
