package io.walship.protocol;

import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What a failed TLS handshake says about its cause. The end that refused a certificate finds the line of its
 * {@link CaTrustManager} in the failure's causes (the JDK makes it the cause, netty-tcnative the cause of its
 * "General OpenSslEngine problem" or a suppressed exception); the refused end finds the alert it was sent.
 */
public final class TlsFailure {

    private TlsFailure() {
    }

    /** Why this end refused the peer's certificate, in one line, if that ended the handshake. */
    public static Optional<String> refusedPeerCertificate(Throwable failure) {
        return first(failure, t -> t instanceof CertificateException && t.getMessage() != null
                ? Optional.of(t.getMessage()) : Optional.empty());
    }

    /** The fatal alert the peer sent, if it ended the handshake with one. */
    public static Optional<TlsAlert> receivedAlert(Throwable failure) {
        return first(failure, t -> TlsAlert.in(t.getMessage()));
    }

    /** The receiver's log line for a failed handshake with an agent. */
    public static String atReceiver(Throwable failure) {
        Optional<String> refused = refusedPeerCertificate(failure);
        if (refused.isPresent()) {
            return refused.get();
        }
        Optional<TlsAlert> alert = receivedAlert(failure);
        if (alert.isPresent() && alert.get().aboutOurCertificate()) {
            return "the agent refused this receiver's certificate, cert_file (alert " + alert.get() + ": "
                    + alert.get().meaning() + "); the agent's error message names the cause";
        }
        return alert.map(a -> "the agent ended the handshake with alert " + a + "; the agent's error message names "
                + "the cause").orElseGet(() -> messages(failure));
    }

    /**
     * The cause of a failed handshake as one of a few fixed words, for counting (the log line says more): the kind
     * of problem when this end refused the peer's certificate ({@code not_from_ca}, {@code expired},
     * {@code not_yet_valid}, {@code wrong_usage}, {@code wrong_host}), {@code certificate_refused} when it refused
     * it for another reason, {@code peer_refused_certificate} when the peer's alert refused this end's,
     * {@code peer_alert} for any other alert, {@code closed} when the peer closed the connection without one (a
     * peer refusing this end's certificate may exit before its alert is out) and {@code other} for the rest (no TLS
     * at all, a broken connection).
     */
    public static String cause(Throwable failure) {
        Optional<CertificateProblem.Kind> kind = first(failure, RefusalAlerts::kindOf);
        if (kind.isPresent()) {
            return kind.get().name().toLowerCase(Locale.ROOT);
        }
        if (refusedPeerCertificate(failure).isPresent()) {
            return "certificate_refused";
        }
        Optional<TlsAlert> alert = receivedAlert(failure);
        if (alert.isPresent()) {
            return alert.get().aboutOurCertificate() ? "peer_refused_certificate" : "peer_alert";
        }
        return first(failure, t -> t instanceof ClosedChannelException ? Optional.of("closed") : Optional.empty())
                .orElse("other");
    }

    /** The failure's message and those of its causes, for a failure nothing above explains. */
    public static String messages(Throwable failure) {
        StringBuilder text = new StringBuilder();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (text.indexOf(message) < 0) {
                text.append(text.isEmpty() ? "" : ": ").append(message);
            }
        }
        return text.toString();
    }

    /** Searches causes and suppressed exceptions, nearest first. */
    private static <T> Optional<T> first(Throwable failure, Function<Throwable, Optional<T>> probe) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> queue = new ArrayDeque<>();
        queue.add(failure);
        while (!queue.isEmpty()) {
            Throwable t = queue.removeFirst();
            if (!seen.add(t)) {
                continue;
            }
            Optional<T> found = probe.apply(t);
            if (found.isPresent()) {
                return found;
            }
            if (t.getCause() != null) {
                queue.add(t.getCause());
            }
            queue.addAll(List.of(t.getSuppressed()));
        }
        return Optional.empty();
    }
}
