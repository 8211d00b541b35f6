package io.walship.protocol;

import java.security.cert.CertPathValidatorException;
import java.security.cert.PKIXReason;

/**
 * Why a certificate cannot authenticate its end: {@code detail} completes a sentence whose subject names the
 * certificate, {@code remedy} says what to do about it.
 */
public record CertificateProblem(Kind kind, String detail, String remedy) {

    /** The causes walship tells apart, each with the reason the JDK's PKIX classes give for it. */
    public enum Kind {
        NOT_FROM_CA(PKIXReason.NO_TRUST_ANCHOR),
        EXPIRED(CertPathValidatorException.BasicReason.EXPIRED),
        NOT_YET_VALID(CertPathValidatorException.BasicReason.NOT_YET_VALID),
        WRONG_USAGE(PKIXReason.INVALID_KEY_USAGE),
        WRONG_HOST(CertPathValidatorException.BasicReason.UNSPECIFIED);

        private final CertPathValidatorException.Reason reason;

        Kind(CertPathValidatorException.Reason reason) {
            this.reason = reason;
        }

        CertPathValidatorException.Reason reason() {
            return reason;
        }
    }

    /** One line: {@code subject}, what is wrong with it, and what to do. */
    public String describe(String subject) {
        return subject + " " + detail + "; " + remedy;
    }
}
