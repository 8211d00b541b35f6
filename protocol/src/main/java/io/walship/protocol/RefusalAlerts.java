package io.walship.protocol;

import io.netty.handler.ssl.OpenSslCertificateException;
import io.netty.handler.ssl.SslProvider;
import io.netty.internal.tcnative.CertificateVerifier;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;

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
            return new CertificateException(message,
                    new CertPathValidatorException(message, original, null, -1, kind.reason()));
        }
    },
    /** netty-tcnative hands BoringSSL the OpenSSL verify error, from which it picks the alert. */
    OPENSSL {
        @Override
        CertificateException exception(String message, CertificateProblem.Kind kind, Throwable original) {
            int code = switch (kind) {
                case NOT_FROM_CA -> CertificateVerifier.X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
                case EXPIRED -> CertificateVerifier.X509_V_ERR_CERT_HAS_EXPIRED;
                case NOT_YET_VALID -> CertificateVerifier.X509_V_ERR_CERT_NOT_YET_VALID;
                case WRONG_USAGE -> CertificateVerifier.X509_V_ERR_INVALID_PURPOSE;
                case WRONG_HOST -> CertificateVerifier.X509_V_ERR_HOSTNAME_MISMATCH;
            };
            return new OpenSslCertificateException(message, original, code);
        }
    };

    abstract CertificateException exception(String message, CertificateProblem.Kind kind, Throwable original);

    static RefusalAlerts of(SslProvider provider) {
        return provider == SslProvider.JDK ? JDK : OPENSSL;
    }
}
