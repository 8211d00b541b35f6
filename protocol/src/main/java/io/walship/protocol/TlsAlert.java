package io.walship.protocol;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fatal TLS alert the peer sent, by its RFC 8446 name, as the JDK ("Received fatal alert: unknown_ca") or
 * BoringSSL ("...:TLSV1_ALERT_UNKNOWN_CA") reports it. The refused end learns nothing else about the cause.
 */
public record TlsAlert(String name) {

    private static final Pattern JDK = Pattern.compile("Received fatal alert: ([a-z0-9_]+)");
    private static final Pattern BORINGSSL = Pattern.compile("(?:SSLV3|TLSV1|TLSV13)_ALERT_([A-Z0-9_]+)");

    static Optional<TlsAlert> in(String message) {
        if (message == null) {
            return Optional.empty();
        }
        Matcher jdk = JDK.matcher(message);
        if (jdk.find()) {
            return Optional.of(new TlsAlert(jdk.group(1)));
        }
        Matcher boringSsl = BORINGSSL.matcher(message);
        return boringSsl.find() ? Optional.of(new TlsAlert(boringSsl.group(1).toLowerCase(Locale.ROOT)))
                : Optional.empty();
    }

    /** Whether the peer refused the certificate this end sent (rather than, say, the protocol version). */
    public boolean aboutOurCertificate() {
        return switch (name) {
            case "unknown_ca", "certificate_expired", "bad_certificate", "unsupported_certificate",
                    "certificate_unknown", "certificate_revoked", "decrypt_error", "certificate_required" -> true;
            default -> false;
        };
    }

    /** What the peer says about our certificate with this alert, as the walship ends send them. */
    public String meaning() {
        return switch (name) {
            case "unknown_ca" -> "it does not trust the CA that issued it";
            case "certificate_expired" -> "by its clock it has expired or is not yet valid";
            case "bad_certificate" -> "it does not name the host that was dialled, or it is not yet valid";
            case "unsupported_certificate" -> "its extended key usage is for the other end";
            case "certificate_unknown" -> "the peer's TLS gives no reason";
            case "certificate_revoked" -> "it was revoked";
            case "decrypt_error" -> "the signature made with key_file does not verify with cert_file";
            case "certificate_required" -> "none was sent";
            default -> "TLS itself failed";
        };
    }

    @Override
    public String toString() {
        return name;
    }
}
