package io.walship.protocol;

import io.netty.handler.ssl.OpenSslCertificateException;
import io.netty.handler.ssl.SslProvider;
import io.netty.internal.tcnative.CertificateVerifier;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Builds the exception a trust manager throws for a {@link CertificateProblem}, of the form that makes each TLS
 * implementation send the peer the alert for that cause (unknown_ca, certificate_expired, ...), so that the
 * refused end learns more than "certificate_unknown" or "internal_error".
 */
enum RefusalAlerts {
    /** The JDK picks its alert from the reason of a {@link CertPathValidatorException} cause (as a client only). */
    JDK {
        @Override
        CertificateException exception(String message, CertificateProblem.Kind kind, Throwable original) {
            return new CertificateException(message, new KindedRefusal(message, original, kind));
        }
    },
    /** netty-tcnative hands BoringSSL the OpenSSL verify error, from which it picks the alert. */
    OPENSSL {
        @Override
        CertificateException exception(String message, CertificateProblem.Kind kind, Throwable original) {
            return new OpenSslCertificateException(message, original, verifyError(kind));
        }
    };

    abstract CertificateException exception(String message, CertificateProblem.Kind kind, Throwable original);

    static RefusalAlerts of(SslProvider provider) {
        return provider == SslProvider.JDK ? JDK : OPENSSL;
    }

    /** The problem a refusal built here was made for, when {@code failure} is one (either implementation's). */
    static Optional<CertificateProblem.Kind> kindOf(Throwable failure) {
        return switch (failure) {
            case KindedRefusal refusal -> Optional.of(refusal.kind);
            case OpenSslCertificateException openSsl -> Arrays.stream(CertificateProblem.Kind.values())
                    .filter(kind -> verifyError(kind) == openSsl.errorCode()).findFirst();
            default -> Optional.empty();
        };
    }

    private static int verifyError(CertificateProblem.Kind kind) {
        return switch (kind) {
            case NOT_FROM_CA -> CertificateVerifier.X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
            case EXPIRED -> CertificateVerifier.X509_V_ERR_CERT_HAS_EXPIRED;
            case NOT_YET_VALID -> CertificateVerifier.X509_V_ERR_CERT_NOT_YET_VALID;
            case WRONG_USAGE -> CertificateVerifier.X509_V_ERR_INVALID_PURPOSE;
            case WRONG_HOST -> CertificateVerifier.X509_V_ERR_HOSTNAME_MISMATCH;
        };
    }

    /**
     * The JDK's cause, carrying its kind as well as the reason the JDK reads: the reason alone cannot tell the
     * host check (UNSPECIFIED) from any other failed path validation.
     */
    private static final class KindedRefusal extends CertPathValidatorException {

        private final transient CertificateProblem.Kind kind;

        KindedRefusal(String message, Throwable cause, CertificateProblem.Kind kind) {
            super(message, cause, null, -1, kind.reason());
            this.kind = kind;
        }
    }
}
